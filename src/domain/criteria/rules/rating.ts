import { formatDate, formatMeasured, plural } from "../format.js";
import type { RatingRule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { type EvalContext, type EvidenceOf, report } from "./context.js";
import { applyFilters, scopeWords } from "./filters.js";

/** Tolerance for floating-point sums, so ratings averaging exactly the minimum are not failed by rounding. */
const EPSILON = 1e-9;

type Form = EvidenceOf<"rating">;
type Delivery = { key: string; forms: Form[]; average: number; at: string };

/** Groups forms by the delivery they rate (a form without a delivery id is a delivery of its own), in time order. */
function deliveries(forms: Form[]): Delivery[] {
  const groups = new Map<string, Form[]>();
  for (const form of forms) {
    const key = form.delivery !== undefined ? `delivery:${form.delivery}` : `form:${form.id}`;
    groups.set(key, [...(groups.get(key) ?? []), form]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const ratings = group.flatMap((f) => f.ratings);
    const last = group.at(-1) as Form;
    return { key, forms: group, average: ratings.reduce((sum, x) => sum + x, 0) / ratings.length, at: last.occurredAt };
  });
}

/**
 * rating: each delivery is judged on its own (the mean of every rating on all of its forms, same
 * scale, after the filters); met at the first delivery whose mean ≥ minAverage. A poor delivery
 * neither drags down nor is rescued by another one.
 */
export function evaluateRating(rule: RatingRule, ctx: EvalContext): RuleReport {
  const forms = ctx.evidence.filter(
    (e): e is EvidenceOf<"rating"> => e.kind === "rating" && rule.forms.includes(e.form),
  );
  const filtered = applyFilters(rule, forms, ctx, "rating");
  if ("blocked" in filtered) {
    return filtered.blocked;
  }
  const notes = [...filtered.notes];
  const counted = filtered.counted.filter((r) => {
    const on = `rating on ${formatDate(r.occurredAt)} (${r.form})`;
    if (r.scale !== rule.scale) {
      notes.push(`${on} does not count: on a scale of ${r.scale}, not ${rule.scale}`);
      return false;
    }
    if (r.ratings.length === 0) {
      notes.push(`${on} does not count: it has no ratings`);
      return false;
    }
    return true;
  });
  const judged = deliveries(counted).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const passed = judged.find((d) => d.average + EPSILON >= rule.minAverage);
  if (passed !== undefined) {
    return report(rule, { status: "met", metAt: passed.at, evidence: passed.forms.map((f) => f.id), notes });
  }
  const needs = `needs an average of at least ${rule.minAverage} out of ${rule.scale} on ${rule.forms.join(", ")}`;
  const best = judged.reduce<Delivery | undefined>(
    (b, d) => (b === undefined || d.average > b.average ? d : b),
    undefined,
  );
  const status =
    best === undefined
      ? `no rating yet${scopeWords(rule, ctx)}`
      : `best average is ${formatMeasured(best.average)} over ${plural(best.forms.length, "form")} on ${formatDate(best.at)}`;
  return report(rule, { status: "not-met", missing: `${needs}, ${status}`, notes });
}
