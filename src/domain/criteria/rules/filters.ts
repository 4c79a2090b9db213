import { formatDate, instant, labelOf, monthsBefore } from "../format.js";
import type { AssessmentRule, CompletionRule, RatingRule } from "../rule-schema.js";
import type { Evidence, RuleReport } from "../types.js";
import { type EvalContext, report } from "./context.js";

export type EvidenceRule = AssessmentRule | CompletionRule | RatingRule;

/** The records that pass a rule's `after` and `withinMonths` filters, with notes on those that do not. */
export type Filtered<E extends Evidence> = { counted: E[]; notes: string[] } | { blocked: RuleReport };

/**
 * The time a rule's evidence must fall in: strictly after `afterMs` (when the rule named by `after` was met) and not
 * before `cutoff` (`withinMonths` before now); records of every kind before `spentBefore` are spent (a re-award after
 * a revocation; assessments are spent by their own rule, with their own words).
 */
export type EvidenceWindow = { afterMs: number; afterLabel: string; cutoff: number; spentBefore: number };

/**
 * A rule's evidence window, or the rule's report when it cannot count anything yet: with `after`, the referenced rule
 * must be met (otherwise not-yet-possible, with a note on each of `records`, named by `noun`).
 */
export function evidenceWindow(
  rule: EvidenceRule,
  ctx: EvalContext,
  records: readonly Evidence[],
  noun: string,
): EvidenceWindow | { blocked: RuleReport } {
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
  const { spent } = ctx;
  const spentBefore =
    rule.type !== "assessment" && spent?.everyKind === true ? instant(spent.from) : Number.NEGATIVE_INFINITY;
  return { afterMs, afterLabel, cutoff, spentBefore };
}

/**
 * Why evidence dated `iso` falls outside the window (undefined: inside): spent after a revocation, or `dated` (words
 * that follow "… on 2026-03-02 was": "older than 6 months", "taken before the written was met").
 */
export function outsideWindow(
  rule: EvidenceRule,
  ctx: EvalContext,
  window: EvidenceWindow,
  iso: string,
): { spent: string } | { dated: string } | undefined {
  const at = instant(iso);
  if (at < window.spentBefore && ctx.spent !== undefined) {
    const credential = `credential ${ctx.spent.credentialId} (${ctx.spent.state})`;
    return { spent: `only records since ${formatDate(ctx.spent.from)} count after ${credential}` };
  }
  if (at < window.cutoff) {
    return { dated: `older than ${rule.withinMonths} months` };
  }
  if (at <= window.afterMs) {
    return { dated: `taken before ${window.afterLabel}` };
  }
  return undefined;
}

/**
 * Applies `after` (the referenced rule must be met, and only records strictly after its metAt count;
 * otherwise the rule is not-yet-possible) and `withinMonths` (records older than N months do not count) record by
 * record. `noun` names a record in notes ("attempt", "completion").
 */
export function applyFilters<E extends Evidence>(
  rule: EvidenceRule,
  records: readonly E[],
  ctx: EvalContext,
  noun: string,
): Filtered<E> {
  const window = evidenceWindow(rule, ctx, records, noun);
  if ("blocked" in window) {
    return window;
  }
  const notes: string[] = [];
  const counted = records.filter((r) => {
    const why = outsideWindow(rule, ctx, window, r.occurredAt);
    if (why === undefined) {
      return true;
    }
    const on = `${noun} on ${formatDate(r.occurredAt)}`;
    const used = "spent" in why && ctx.spent?.used.includes(r.id);
    notes.push(
      used
        ? `${on} was used by credential ${ctx.spent?.credentialId} (${ctx.spent?.state})`
        : `${on} does not count: ${"spent" in why ? why.spent : why.dated}`,
    );
    return false;
  });
  return { counted, notes };
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
