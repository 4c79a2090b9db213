import { formatDate, formatMeasured, plural } from "../format.js";
import type { RatingRule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { type EvalContext, type EvidenceOf, report } from "./context.js";
import { applyFilters, scopeWords } from "./filters.js";

/** Tolerance for floating-point sums, so ratings averaging exactly the minimum are not failed by rounding. */
const EPSILON = 1e-9;

/**
 * rating: the mean of every individual rating on the rule's forms (same scale; others are noted) that
 * passes the filters; met iff the mean ≥ minAverage, at the latest counted record.
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
  const ratings = counted.flatMap((r) => r.ratings);
  const average = ratings.reduce((sum, x) => sum + x, 0) / ratings.length;
  const last = counted.at(-1);
  if (last !== undefined && average + EPSILON >= rule.minAverage) {
    return report(rule, { status: "met", metAt: last.occurredAt, evidence: counted.map((r) => r.id), notes });
  }
  const needs = `needs an average of at least ${rule.minAverage} out of ${rule.scale} on ${rule.forms.join(", ")}`;
  const status =
    last === undefined
      ? `no rating yet${scopeWords(rule, ctx)}`
      : `average is ${formatMeasured(average)} over ${plural(counted.length, "form")}`;
  return report(rule, { status: "not-met", missing: `${needs}, ${status}`, notes });
}
