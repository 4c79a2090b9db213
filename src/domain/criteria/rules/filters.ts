import { formatDate, instant, labelOf, monthsBefore } from "../format.js";
import type { AssessmentRule, CompletionRule, RatingRule } from "../rule-schema.js";
import type { Evidence, RuleReport } from "../types.js";
import { type EvalContext, report } from "./context.js";

export type EvidenceRule = AssessmentRule | CompletionRule | RatingRule;

/** The records that pass a rule's `after` and `withinMonths` filters, with notes on those that do not. */
export type Filtered<E extends Evidence> = { counted: E[]; notes: string[] } | { blocked: RuleReport };

/**
 * Applies `after` (the referenced rule must be met, and only records strictly after its metAt count;
 * otherwise the rule is not-yet-possible) and `withinMonths` (records older than N months do not count).
 * `noun` names a record in notes ("attempt", "completion", "rating").
 */
export function applyFilters<E extends Evidence>(
  rule: EvidenceRule,
  records: readonly E[],
  ctx: EvalContext,
  noun: string,
): Filtered<E> {
  const notes: string[] = [];
  let afterMs = Number.NEGATIVE_INFINITY;
  let afterLabel = "";
  if (rule.after !== undefined) {
    const target = ctx.find(rule.after);
    const targetReport = target === undefined ? undefined : ctx.evaluate(target);
    if (targetReport?.status !== "met" || targetReport.metAt === undefined) {
      const first = targetReport === undefined ? `unknown rule "${rule.after}"` : targetReport.label;
      const waiting = records.map((r) => `${noun} on ${formatDate(r.occurredAt)} does not count: ${first} not met yet`);
      return { blocked: report(rule, { status: "not-yet-possible", missing: `needs ${first} first`, notes: waiting }) };
    }
    afterMs = instant(targetReport.metAt);
    afterLabel = `${targetReport.label} was ${target?.type === "prerequisite" ? "earned" : "met"}`;
  }
  const cutoff = rule.withinMonths === undefined ? Number.NEGATIVE_INFINITY : monthsBefore(ctx.now, rule.withinMonths);
  const counted = records.filter((r) => {
    const at = instant(r.occurredAt);
    const spent = spentNote(rule, ctx, r, noun);
    if (spent !== undefined) {
      notes.push(spent);
      return false;
    }
    if (at < cutoff) {
      notes.push(`${noun} on ${formatDate(r.occurredAt)} does not count: older than ${rule.withinMonths} months`);
      return false;
    }
    if (at <= afterMs) {
      notes.push(`${noun} on ${formatDate(r.occurredAt)} does not count: taken before ${afterLabel}`);
      return false;
    }
    return true;
  });
  return { counted, notes };
}

/**
 * Why a record does not count after a revocation (every kind of record dated before the revoked credential's issue
 * is spent; assessments are spent by their own rule, with their own words), or undefined.
 */
function spentNote(rule: EvidenceRule, ctx: EvalContext, record: Evidence, noun: string): string | undefined {
  const { spent } = ctx;
  if (rule.type === "assessment" || spent?.everyKind !== true || instant(record.occurredAt) >= instant(spent.from)) {
    return undefined;
  }
  const on = `${noun} on ${formatDate(record.occurredAt)}`;
  const credential = `credential ${spent.credentialId} (${spent.state})`;
  return spent.used.includes(record.id)
    ? `${on} was used by ${credential}`
    : `${on} does not count: only records since ${formatDate(spent.from)} count after ${credential}`;
}

/** Words qualifying what still counts under a rule's filters (" in the last 6 months"), for missing sentences. */
export function scopeWords(rule: EvidenceRule, ctx: EvalContext): string {
  const after = rule.after === undefined ? undefined : ctx.find(rule.after);
  const parts = [
    after === undefined ? "" : ` after ${labelOf(after)} was ${after.type === "prerequisite" ? "earned" : "met"}`,
    rule.withinMonths === undefined ? "" : ` in the last ${rule.withinMonths} months`,
  ];
  return parts.join("");
}
