import type { FieldError } from "../../errors.js";
import { deliveryName } from "../criteria/format.js";
import type { CompletionType } from "../criteria/rule-schema.js";
import type { CatalogItems } from "./catalog-items.js";
import { nearestIds } from "./nearest-ids.js";

/** An evidence record as far as the catalog can judge it (the fields intake validated, and its key's grader role). */
export type CatalogedRecord = { uncatalogued?: boolean; graderRole?: string } & (
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

/** The grader roles a record's item needs from the submitting key (undefined: any key), and what recording it is. */
function requiredRoles(
  items: CatalogItems,
  record: CatalogedRecord,
): { roles: readonly string[]; what: string } | undefined {
  const need = (roles: readonly string[] | undefined, what: string) =>
    roles === undefined ? undefined : { roles, what };
  switch (record.kind) {
    case "assessment":
      return need(items.assessments.get(record.assessment)?.graderRoles, `recording ${record.assessment}`);
    case "completion":
      return need(
        items.completions.get(record.item)?.graderRoles.get(record.completion),
        `recording ${record.completion} of ${record.item}`,
      );
    case "rating":
      return need(items.forms.get(record.form)?.graderRoles, `recording ${record.form}`);
    case "closure": {
      const form = items.forms.get(record.form);
      const name = deliveryName(record.delivery, form?.deliveredWith ?? [record.form]);
      return need(form?.delivery.closure?.graderRoles, `closing ${name}`);
    }
  }
}

/**
 * Why the submitting key may not record this record (undefined: it may): every rule that counts its item takes it
 * only from a key of certain grader roles (the lab's grader, the observer of a shadowing, the certified trainer
 * filling in an observation form or closing a delivery), and the key grades as none of them. Refused rather than
 * kept counting for nothing, so the grader learns at once that another key must record it.
 */
export function graderRoleProblem(items: CatalogItems, record: CatalogedRecord): FieldError | undefined {
  const need = record.uncatalogued ? undefined : requiredRoles(items, record);
  const role = record.graderRole;
  if (need === undefined || (role !== undefined && need.roles.includes(role))) {
    return undefined;
  }
  const message = `${need.what} needs the key of a ${need.roles.join(" or ")}; this key grades as ${role ?? "no role"}`;
  return { path: "graderRole", message };
}
