import { formatDate } from "../format.js";
import type { CompletionRule } from "../rule-schema.js";
import type { Evidence, RuleReport } from "../types.js";
import { type EvalContext, type EvidenceOf, recordsOf, report } from "./context.js";
import { applyFilters, scopeWords } from "./filters.js";
import { authorisedGrader, graderWords, unauthorisedGrader } from "./grader.js";

/** Whether a record is a completion of this rule's type and item, in its mode and by its graders when it sets them. */
export function matchesCompletion(rule: CompletionRule, e: Evidence): e is EvidenceOf<"completion"> {
  return (
    e.kind === "completion" &&
    e.completion === rule.completion &&
    e.item === rule.item &&
    (rule.mode === undefined || e.mode === rule.mode) &&
    authorisedGrader(rule.graderRoles, e)
  );
}

/** completion: met at the earliest matching record, recorded by an authorised grader, that passes the rule's filters. */
export function evaluateCompletion(rule: CompletionRule, ctx: EvalContext): RuleReport {
  const notes: string[] = [];
  // the completions of this item (recordsOf: in the order of ctx.evidence), not every record of the person
  const records = recordsOf(ctx.evidence, "completion", rule.item).filter((e): e is EvidenceOf<"completion"> => {
    if (e.kind !== "completion" || e.completion !== rule.completion || e.item !== rule.item) {
      return false;
    }
    // the record's words are made only for a note
    if (rule.mode !== undefined && e.mode !== rule.mode) {
      const given = e.mode ?? "no mode recorded";
      notes.push(`completion on ${formatDate(e.occurredAt)} does not count: ${given}, ${rule.mode} required`);
      return false;
    }
    if (!authorisedGrader(rule.graderRoles, e)) {
      const on = `completion on ${formatDate(e.occurredAt)}`;
      notes.push(unauthorisedGrader(rule.graderRoles, e, on, "recorded") as string);
      return false;
    }
    return true;
  });
  const filtered = applyFilters(rule, records, ctx, "completion");
  if ("blocked" in filtered) {
    return filtered.blocked;
  }
  notes.push(...filtered.notes);
  const first = filtered.counted[0];
  if (first !== undefined) {
    return report(rule, { status: "met", metAt: first.occurredAt, evidence: [first.id], notes });
  }
  const mode = rule.mode === undefined ? "" : ` (${rule.mode})`;
  const what = `${rule.completion.replaceAll("-", " ")} ${rule.item}${mode}`;
  const by = graderWords(rule.graderRoles, "recorded");
  return report(rule, { status: "not-met", missing: `needs ${what} completed${by}${scopeWords(rule, ctx)}`, notes });
}
