import type { FieldError } from "../../errors.js";
import type { CompletionType } from "../criteria/rule-schema.js";
import type { CatalogItems } from "./catalog-items.js";
import { nearestIds } from "./nearest-ids.js";

/** An evidence record as far as the catalog can judge it (the fields intake validated). */
export type CatalogedRecord = { uncatalogued?: boolean } & (
  | { kind: "assessment"; assessment: string; score?: number; passed?: boolean }
  | { kind: "completion"; completion: CompletionType; item: string }
  | { kind: "rating"; form: string; scale: number; delivery?: string }
  | { kind: "closure"; form: string; delivery: string }
);

/** The field naming the record's catalog id, the id, and the ids of that kind the catalog knows. */
function idOf(items: CatalogItems, record: CatalogedRecord) {
  switch (record.kind) {
    case "assessment":
      return { path: "assessment", id: record.assessment, known: items.assessments };
    case "completion":
      return { path: "item", id: record.item, known: items.completions };
    case "rating":
    case "closure":
      return { path: "form", id: record.form, known: items.forms };
  }
}

/** What a catalogued record gives that its item cannot use (a score for a pass/fail assessment, another scale, …). */
function gradingProblems(items: CatalogItems, record: CatalogedRecord): FieldError[] {
  if (record.kind === "assessment") {
    const { passMark } = items.assessments.get(record.assessment) ?? {};
    const id = `"${record.assessment}"`;
    if (passMark !== undefined && record.passed !== undefined) {
      return [{ path: "passed", message: `${id} is scored (pass mark ${passMark} %): give \`score\`, not \`passed\`` }];
    }
    if (passMark === undefined && record.score !== undefined) {
      return [{ path: "score", message: `${id} is graded pass/fail: give \`passed\`, not \`score\`` }];
    }
  }
  if (record.kind === "completion") {
    const kinds = items.completions.get(record.item)?.completions ?? [];
    if (!kinds.includes(record.completion)) {
      const as = kinds.join(" or ");
      return [{ path: "completion", message: `"${record.item}" is completed as ${as}, not as ${record.completion}` }];
    }
  }
  if (record.kind === "closure") {
    const { minForms, closure } = items.forms.get(record.form)?.delivery ?? { minForms: 1 };
    if (closure === undefined) {
      const complete = `a delivery of it is complete with ${minForms} form${minForms === 1 ? "" : "s"}, never closed`;
      return [{ path: "form", message: `form "${record.form}" is judged without a closure: ${complete}` }];
    }
  }
  if (record.kind === "rating") {
    const form = items.forms.get(record.form);
    if (form !== undefined && form.scale !== record.scale) {
      return [{ path: "scale", message: `form "${record.form}" is rated on a scale of ${form.scale}` }];
    }
    if (form !== undefined && record.delivery === undefined && (form.delivery.closure || form.delivery.minForms > 1)) {
      const how = form.delivery.closure ? "closed by a grader" : `complete with ${form.delivery.minForms} forms`;
      const message = `form "${record.form}" is judged per delivery (${how}): name the delivery it rates`;
      return [{ path: "delivery", message }];
    }
  }
  return [];
}

/**
 * What the catalog refuses in an evidence record, as field errors (none: it fits): an assessment, completed
 * item or form that no certification uses (naming the nearest known ids), unless the record is marked
 * `uncatalogued` (kept, counting for nothing), which a catalogued id may not be; and a result the item cannot
 * use: a score for a pass/fail assessment or a pass/fail for a scored one, another kind of completion, another
 * rating scale, a form judged per delivery without its delivery, a closure of a form whose deliveries are never
 * closed. A closure is never uncatalogued: it closes a delivery some certification judges.
 */
export function catalogProblems(items: CatalogItems, record: CatalogedRecord): FieldError[] {
  if (record.kind === "closure" && record.uncatalogued) {
    const message = "a closure closes a delivery of a catalogued form: drop it";
    return [{ path: "uncatalogued", message }];
  }
  const { path, id, known } = idOf(items, record);
  if (!known.has(id)) {
    if (record.uncatalogued) {
      return [];
    }
    const nearest = nearestIds(id, known.keys()).join(", ");
    const mark =
      record.kind === "closure"
        ? ""
        : '; mark the record "uncatalogued": true if it is meant to count for no certification';
    return [{ path, message: `no certification uses "${id}" (nearest known: ${nearest})${mark}` }];
  }
  if (record.uncatalogued) {
    return [{ path: "uncatalogued", message: `"${id}" is used by the catalog's criteria: drop "uncatalogued"` }];
  }
  return gradingProblems(items, record);
}
