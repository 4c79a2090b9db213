import type { Rule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { combine } from "./composite.js";
import type { EvalContext } from "./context.js";

/** any: met iff some child is met, at the earliest child's metAt, with that child's evidence. */
export function evaluateAny(rule: Extract<Rule, { type: "any" }>, ctx: EvalContext): RuleReport {
  return combine(rule, ctx, 1, (unmet) => `needs one of: ${unmet.join("; ")}`);
}
