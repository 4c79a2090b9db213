import { labelOf } from "./format.js";
import type { CompletionType, DeliveryCompletion, Rule } from "./rule-schema.js";
import { leafRules } from "./rules/context.js";

/**
 * What a grader can record towards one certification, read from its criteria: one entry per evidence rule of the
 * tree (an assessment scored or pass/fail, a completion, a rating form with its scale and delivery), plus a delivery
 * closure after each rating rule whose deliveries a grader closes, and the prerequisites (nothing to record: shown
 * for completeness). The console renders a form per entry from this, so no form is written by hand for one
 * certification: a new definition gets its forms from its rule.
 */
export type RecordableCriterion = { key: string; ruleId: string; label: string; graderRoles?: readonly string[] } & (
  | { kind: "assessment"; assessment: string; passMark?: number }
  | { kind: "completion"; completion: CompletionType; item: string; mode?: "live" | "recording" }
  | { kind: "rating"; forms: readonly string[]; scale: number; minAverage: number; delivery: DeliveryCompletion }
  | { kind: "closure"; forms: readonly string[] }
  | { kind: "prerequisite"; certification: string }
);

/** The key of the closure entry that follows rating rule `ruleId` (rule ids are slugs, which never hold ":"). */
export function closureKey(ruleId: string): string {
  return `close:${ruleId}`;
}

/** The recordable criteria of a rule tree, in the rule's order (see RecordableCriterion). */
export function recordableCriteria(rule: Rule): RecordableCriterion[] {
  const found: RecordableCriterion[] = [];
  for (const leaf of leafRules(rule)) {
    const base = { key: leaf.id, ruleId: leaf.id, label: labelOf(leaf) };
    switch (leaf.type) {
      case "assessment":
        found.push({
          ...base,
          kind: "assessment",
          assessment: leaf.assessment,
          ...(leaf.passMark === undefined ? {} : { passMark: leaf.passMark }),
          ...(leaf.graderRoles ? { graderRoles: leaf.graderRoles } : {}),
        });
        break;
      case "completion":
        found.push({
          ...base,
          kind: "completion",
          completion: leaf.completion,
          item: leaf.item,
          ...(leaf.mode ? { mode: leaf.mode } : {}),
          ...(leaf.graderRoles ? { graderRoles: leaf.graderRoles } : {}),
        });
        break;
      case "rating":
        found.push({
          ...base,
          kind: "rating",
          forms: leaf.forms,
          scale: leaf.scale,
          minAverage: leaf.minAverage,
          delivery: leaf.delivery,
          ...(leaf.graderRoles ? { graderRoles: leaf.graderRoles } : {}),
        });
        if (leaf.delivery.closure) {
          const roles = leaf.delivery.closure.graderRoles;
          found.push({
            key: closureKey(leaf.id),
            ruleId: leaf.id,
            label: `Closing a delivery: ${base.label}`,
            kind: "closure",
            forms: leaf.forms,
            ...(roles ? { graderRoles: roles } : {}),
          });
        }
        break;
      case "prerequisite":
        found.push({ ...base, kind: "prerequisite", certification: leaf.certification });
        break;
      default:
        break;
    }
  }
  return found;
}
