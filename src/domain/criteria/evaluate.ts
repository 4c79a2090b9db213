import { instant } from "./format.js";
import type { Rule } from "./rule-schema.js";
import { evaluateAll } from "./rules/all.js";
import { evaluateAny } from "./rules/any.js";
import { evaluateAssessment } from "./rules/assessment.js";
import { evaluateAtLeast } from "./rules/at-least.js";
import { evaluateCompletion } from "./rules/completion.js";
import { type EvalContext, report, walkRules } from "./rules/context.js";
import { evaluatePrerequisite } from "./rules/prerequisite.js";
import { evaluateRating } from "./rules/rating.js";
import type { EvaluationInput, Evidence, RuleReport } from "./types.js";

/**
 * The evidence that can count at `nowMs`: without records superseded by another record, records dated
 * after `nowMs` or with an unreadable date; sorted by occurredAt (as instants), then id.
 */
export function prepareEvidence(evidence: readonly Evidence[], nowMs: number): Evidence[] {
  // One person's records are judged against every certification at the same instant (progress, awards): prepared
  // once per array and instant. The arrays are never changed once read (callers and rules only filter them).
  const hit = preparedOnce.get(evidence);
  if (hit !== undefined && hit.nowMs === nowMs) {
    return hit.prepared;
  }
  const prepared = prepare(evidence, nowMs);
  preparedOnce.set(evidence, { nowMs, prepared });
  return prepared;
}

const preparedOnce = new WeakMap<readonly Evidence[], { nowMs: number; prepared: Evidence[] }>();

function prepare(evidence: readonly Evidence[], nowMs: number): Evidence[] {
  const superseded = new Set(
    evidence.flatMap((e) => (e.supersedes !== undefined && e.supersedes !== e.id ? [e.supersedes] : [])),
  );
  // each date parsed once, not on every comparison (a person page evaluates hundreds of records per certification)
  const dated: { e: Evidence; at: number }[] = [];
  for (const e of evidence) {
    const at = instant(e.occurredAt);
    if (!superseded.has(e.id) && at <= nowMs) {
      dated.push({ e, at });
    }
  }
  return dated.sort((a, b) => a.at - b.at || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0)).map((d) => d.e);
}

/** Each rule of a tree by its id (the first occurrence), made once per tree: a catalog's rules are never changed. */
function rulesById(root: Rule): ReadonlyMap<string, Rule> {
  let byId = rulesOfTree.get(root);
  if (byId === undefined) {
    const found = new Map<string, Rule>();
    walkRules(root, (rule) => {
      if (!found.has(rule.id)) {
        found.set(rule.id, rule);
      }
    });
    byId = found;
    rulesOfTree.set(root, byId);
  }
  return byId;
}

const rulesOfTree = new WeakMap<Rule, ReadonlyMap<string, Rule>>();

function evaluateRule(rule: Rule, ctx: EvalContext): RuleReport {
  switch (rule.type) {
    case "all":
      return evaluateAll(rule, ctx);
    case "any":
      return evaluateAny(rule, ctx);
    case "atLeast":
      return evaluateAtLeast(rule, ctx);
    case "assessment":
      return evaluateAssessment(rule, ctx);
    case "completion":
      return evaluateCompletion(rule, ctx);
    case "rating":
      return evaluateRating(rule, ctx);
    case "prerequisite":
      return evaluatePrerequisite(rule, ctx);
  }
}

/** Evaluates a rule tree against a person's evidence and held credentials at `now`; pure and deterministic. */
export function evaluateCriteria(input: EvaluationInput): RuleReport {
  const nowMs = input.now.getTime();
  const byId = rulesById(input.rule);
  const memo = new Map<Rule, RuleReport>();
  const inProgress = new Set<Rule>();
  const ctx: EvalContext = {
    now: new Date(nowMs),
    nowMs,
    evidence: prepareEvidence(input.evidence, nowMs),
    held: input.held,
    spent: input.spent,
    find: (id) => byId.get(id),
    evaluate(rule) {
      const done = memo.get(rule);
      if (done !== undefined) {
        return done;
      }
      if (inProgress.has(rule)) {
        // Only an invalid tree (an `after` cycle, see validateRule) gets here: it can never be met first.
        return report(rule, { status: "not-yet-possible", missing: "depends on itself through `after`" });
      }
      inProgress.add(rule);
      const result = evaluateRule(rule, ctx);
      inProgress.delete(rule);
      memo.set(rule, result);
      return result;
    },
  };
  return ctx.evaluate(input.rule);
}
