import type { Rule } from "../criteria/rule-schema.js";
import { leafRules } from "../criteria/rules/context.js";
import { AWARD_COLUMNS, EVIDENCE_COLUMNS, type JobKind, RATING_PREFIX } from "./columns.js";
import { csvLine } from "./csv-write.js";

/**
 * The template CSV of a bulk job (issue 17): the header naming every column of the kind (`columns.ts`) and one
 * example row. For one certification the row is filled in from it: awards name it and its first result; evidence
 * records its first assessment, completion or rating, as its criteria name them. A template is a valid job file.
 */

/** What a template needs of a certification: its id and its criteria's rule. */
export type TemplateCertification = { id: string; rule?: Rule | undefined };

/** Three rating columns stand for "one per question of the form". */
const RATING_COLUMNS = [1, 2, 3].map((n) => `${RATING_PREFIX}${n}`);

function headerOf(kind: JobKind): string[] {
  const columns = kind === "awards" ? AWARD_COLUMNS : EVIDENCE_COLUMNS;
  return columns.flatMap((c) => (c.name.startsWith(RATING_PREFIX) ? RATING_COLUMNS : [c.name]));
}

/** The example row, column by column. */
function exampleOf(kind: JobKind, certification: TemplateCertification | undefined): Record<string, string> {
  const columns = kind === "awards" ? AWARD_COLUMNS : EVIDENCE_COLUMNS;
  const base = Object.fromEntries(columns.map((c) => [c.name, c.example]));
  if (!certification) {
    return base;
  }
  const leaves = certification.rule ? leafRules(certification.rule) : [];
  if (kind === "awards") {
    const result = leaves.find((r) => r.type === "assessment" || r.type === "rating");
    const value =
      result?.type === "assessment"
        ? result.passMark === undefined
          ? "Completed"
          : String(result.passMark)
        : result?.type === "rating"
          ? String(result.minAverage)
          : undefined;
    return { ...base, certification: certification.id, results: result ? `${result.id}=${value}` : "" };
  }
  const evidence = { ...base, kind: "", assessment: "", score: "" };
  const leaf = leaves.find((r) => r.type === "assessment" || r.type === "completion" || r.type === "rating");
  if (leaf?.type === "assessment") {
    return leaf.passMark === undefined
      ? { ...evidence, kind: "assessment", assessment: leaf.assessment, passed: "true" }
      : { ...evidence, kind: "assessment", assessment: leaf.assessment, score: String(Math.ceil(leaf.passMark)) };
  }
  if (leaf?.type === "completion") {
    return { ...evidence, kind: "completion", completion: leaf.completion, item: leaf.item, mode: leaf.mode ?? "" };
  }
  if (leaf?.type === "rating") {
    const top = String(leaf.scale);
    return {
      ...evidence,
      kind: "rating",
      form: leaf.forms[0] ?? "",
      scale: top,
      ...Object.fromEntries(RATING_COLUMNS.map((c) => [c, top])),
      delivery: "cohort-1",
    };
  }
  return base;
}

/** The template CSV for a kind, optionally filled in for one certification. */
export function templateCsv(kind: JobKind, certification?: TemplateCertification): string {
  const header = headerOf(kind);
  const example = exampleOf(kind, certification);
  return csvLine(header) + csvLine(header.map((name) => example[name] ?? ""));
}

/** The file name a template is offered under: `laurel-awards-template.csv`, `laurel-evidence-<id>.csv`. */
export function templateFileName(kind: JobKind, certification?: TemplateCertification): string {
  return `laurel-${kind}-${certification ? certification.id : "template"}.csv`;
}
