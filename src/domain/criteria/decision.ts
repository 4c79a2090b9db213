import { aGraderRole } from "../grader-roles.js";
import { humanDayOf } from "../human-date.js";
import { roundHalfUp } from "../numbers.js";
import { labelOf } from "./format.js";
import type { Rule } from "./rule-schema.js";
import { leafRules } from "./rules/context.js";
import type { Evidence, RuleReport } from "./types.js";

/** An OB 3.0 ResultDescription derived from an assessment or rating rule (STANDARDS.md §1.5). */
export type ResultDescription = {
  id: string;
  type: ["ResultDescription"];
  name: string;
  resultType: "Percent" | "Status" | "RawScore";
  requiredValue?: string;
  valueMax?: string;
  valueMin?: string;
  allowedValue?: string[];
};

export type Ob3Result = { type: ["Result"]; resultDescription: string; value?: string; status?: "Completed" };
export type Ob3Evidence = { type: ["Evidence"]; name: string; narrative: string };

/** The mean of every rating on the given forms (the value both the narrative and the result report). */
function averageRating(records: Evidence[]): number {
  const ratings = records.flatMap((r) => (r.kind === "rating" ? r.ratings : []));
  return ratings.reduce((a, b) => a + b, 0) / Math.max(1, ratings.length);
}

/** The result descriptions an achievement publishes: one per assessment and rating rule of its criteria. */
export function resultDescriptionsFor(rule: Rule | undefined, achievementUrl: string): ResultDescription[] {
  if (!rule) {
    return [];
  }
  return leafRules(rule).flatMap((r): ResultDescription[] => {
    const id = `${achievementUrl}#result-${r.id}`;
    if (r.type === "assessment" && r.passMark !== undefined) {
      return [
        {
          id,
          type: ["ResultDescription"],
          name: labelOf(r),
          resultType: "Percent",
          requiredValue: String(r.passMark),
          valueMin: "0",
          valueMax: "100",
        },
      ];
    }
    if (r.type === "assessment") {
      return [{ id, type: ["ResultDescription"], name: labelOf(r), resultType: "Status", allowedValue: ["Completed"] }];
    }
    if (r.type === "rating") {
      return [
        {
          id,
          type: ["ResultDescription"],
          name: labelOf(r),
          resultType: "RawScore",
          requiredValue: String(r.minAverage),
          valueMin: "0",
          valueMax: String(r.scale),
        },
      ];
    }
    return [];
  });
}

/** How a completion was given, in words ("live", "as a recording"): the narratives and the criteria pages say it so. */
export const MODE_WORDS: Readonly<Record<"live" | "recording", string>> = { live: "live", recording: "as a recording" };

/** The narrative of one met rule, in the words and date style of the public pages ("Scored 86 % on 2 March 2026."). */
function narrativeOf(rule: Rule, records: Evidence[]): string {
  const first = records[0];
  const when = first ? ` on ${humanDayOf(first.occurredAt)}` : "";
  if (rule.type === "assessment" && first?.kind === "assessment") {
    return first.score !== undefined
      ? `Scored ${first.score} %${when}.`
      : `Passed${when}, graded by ${first.graderRole ? aGraderRole(first.graderRole) : "a grader"}.`;
  }
  if (rule.type === "rating") {
    const forms = records.filter((r) => r.kind === "rating").length;
    const closed = records.some((r) => r.kind === "closure") ? ", delivery closed by the observing grader" : "";
    return `Average rating ${roundHalfUp(averageRating(records))} out of ${rule.scale} over ${forms} form${forms === 1 ? "" : "s"}${closed}.`;
  }
  if (rule.type === "completion" && first?.kind === "completion") {
    return `Completed${first.mode ? ` ${MODE_WORDS[first.mode]}` : ""}${when}.`;
  }
  return `Met${when}.`;
}

/**
 * What a credential awarded on this report carries: an `evidence` entry per met evidence rule
 * (narratives only: no grader comments or other private data) and a `result` per assessment or
 * rating rule, pointing at the achievement's matching ResultDescription.
 */
export function decisionEntries(
  rule: Rule,
  report: RuleReport,
  evidence: Evidence[],
  achievementUrl: string,
): { evidence: Ob3Evidence[]; results: Ob3Result[] } {
  const reportsById = new Map<string, RuleReport>();
  const walk = (r: RuleReport) => {
    reportsById.set(r.id, r);
    r.children?.forEach(walk);
  };
  walk(report);
  const byId = new Map(evidence.map((e) => [e.id, e]));
  // Only the leaves that decided the award: a met alternative that was not chosen is left out.
  const deciding = new Set(report.evidence);
  const entries: Ob3Evidence[] = [];
  const results: Ob3Result[] = [];
  for (const leaf of leafRules(rule)) {
    const leafReport = reportsById.get(leaf.id);
    if (
      leafReport?.status !== "met" ||
      leaf.type === "prerequisite" ||
      !leafReport.evidence.every((id) => deciding.has(id))
    ) {
      continue;
    }
    const records = leafReport.evidence.map((id) => byId.get(id)).filter((e): e is Evidence => e !== undefined);
    entries.push({ type: ["Evidence"], name: labelOf(leaf), narrative: narrativeOf(leaf, records) });
    const resultDescription = `${achievementUrl}#result-${leaf.id}`;
    const first = records[0];
    if (leaf.type === "assessment" && leaf.passMark !== undefined && first?.kind === "assessment") {
      results.push({ type: ["Result"], resultDescription, value: String(first.score) });
    } else if (leaf.type === "assessment") {
      results.push({ type: ["Result"], resultDescription, status: "Completed" });
    } else if (leaf.type === "rating") {
      results.push({ type: ["Result"], resultDescription, value: roundHalfUp(averageRating(records)) });
    }
  }
  return { evidence: entries, results };
}
