import type { Rule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { combine } from "./composite.js";
import type { EvalContext } from "./context.js";

/** all: met iff every child is met, at the latest child's metAt, with the union of their evidence. */
export function evaluateAll(rule: Extract<Rule, { type: "all" }>, ctx: EvalContext): RuleReport {
  return combine(
    rule,
    ctx,
    rule.of.length,
    (unmet) => `${unmet.length} of ${rule.of.length} still missing: ${unmet.join("; ")}`,
  );
}
