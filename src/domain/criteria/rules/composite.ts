import { instant } from "../format.js";
import type { Rule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { type EvalContext, report } from "./context.js";

type Composite = Extract<Rule, { of: Rule[] }>;

/**
 * Combines child reports: met iff at least `needed` children are met, at the `needed`-th earliest metAt
 * (ties in rule order), with the evidence of those deciding children; otherwise not-yet-possible when
 * every unmet child is not-yet-possible, else not-met. `missingOf` words the sentence from unmet labels.
 */
export function combine(
  rule: Composite,
  ctx: EvalContext,
  needed: number,
  missingOf: (unmet: string[], metCount: number) => string,
): RuleReport {
  const children = rule.of.map((child) => ctx.evaluate(child));
  const met = children
    .map((report, index) => ({ report, index, at: instant(report.metAt ?? "") }))
    .filter((c) => c.report.status === "met")
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const deciding = met.slice(0, needed);
  const last = deciding.at(-1);
  if (deciding.length >= needed && last !== undefined) {
    const chosen = new Set(deciding.map((c) => c.index));
    const evidence = [...new Set(children.flatMap((c, i) => (chosen.has(i) ? c.evidence : [])))];
    return report(rule, { status: "met", metAt: last.report.metAt, evidence, children });
  }
  const unmet = children.filter((c) => c.status !== "met");
  const status = unmet.every((c) => c.status === "not-yet-possible") ? "not-yet-possible" : "not-met";
  const missing = missingOf(
    unmet.map((c) => c.label),
    met.length,
  );
  return report(rule, { status, missing, children });
}
