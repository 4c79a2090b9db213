import type { Rule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { combine } from "./composite.js";
import type { EvalContext } from "./context.js";

/** atLeast n: met iff n children are met, at the n-th earliest metAt, with those n children's evidence. */
export function evaluateAtLeast(rule: Extract<Rule, { type: "atLeast" }>, ctx: EvalContext): RuleReport {
  return combine(rule, ctx, rule.n, (unmet, metCount) => {
    const more = rule.n - metCount;
    return `needs ${more} more of: ${unmet.join("; ")} (at least ${rule.n} of ${rule.of.length}, ${metCount} met)`;
  });
}
