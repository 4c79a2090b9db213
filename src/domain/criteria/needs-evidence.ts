import type { Rule } from "./rule-schema.js";

/**
 * Whether a rule tree can only be met with evidence that counts: every way of meeting it goes through an evidence
 * rule (`assessment`, `completion`, `rating`), each of which is met only by one of the person's records (an attempt
 * that passes, a completion, a judged delivery of forms); `prerequisite` rules are met by held credentials alone.
 * `all` needs evidence when one of its children does, `any` when all of them do, `atLeast n` when fewer than `n`
 * children can be met without it. A rule of a kind not listed here answers false (it is evaluated).
 *
 * So when a person has no record that counts (`prepareEvidence` is empty), `evaluateCriteria` cannot report such a
 * rule met, and an award decision can skip evaluating it (test/unit/criteria-needs-evidence.test.ts holds the two
 * equal on generated rule trees). Memoised per rule object (the catalog's rules are parsed once).
 */
export function needsEvidence(rule: Rule): boolean {
  const known = memo.get(rule);
  if (known !== undefined) {
    return known;
  }
  const answer = !metWithoutEvidence(rule);
  memo.set(rule, answer);
  return answer;
}

const memo = new WeakMap<Rule, boolean>();

function metWithoutEvidence(rule: Rule): boolean {
  switch (rule.type) {
    case "assessment":
    case "completion":
    case "rating":
      return false;
    case "all":
      return rule.of.every((child) => !needsEvidence(child));
    case "any":
      return rule.of.some((child) => !needsEvidence(child));
    case "atLeast":
      return rule.of.filter((child) => !needsEvidence(child)).length >= rule.n;
    default:
      return true;
  }
}
