import type { Rule } from "./rule-schema.js";
import { childrenOf, walkRules } from "./rules/context.js";

export type RuleProblem = { ruleId: string; message: string };

/** The rules a rule's evaluation depends on: a composite's children, an evidence rule's `after` target. */
function dependencies(rule: Rule, byId: ReadonlyMap<string, Rule>): Rule[] {
  const after = "after" in rule && rule.after !== undefined ? byId.get(rule.after) : undefined;
  return after === undefined ? childrenOf(rule) : [after];
}

/** The path of rule ids from `start` to the rule with id `goal` through dependencies, if one exists. */
function pathTo(start: Rule, goal: string, byId: ReadonlyMap<string, Rule>): string[] | undefined {
  const seen = new Set<Rule>();
  const go = (rule: Rule): string[] | undefined => {
    if (rule.id === goal) {
      return [rule.id];
    }
    if (seen.has(rule)) {
      return undefined;
    }
    seen.add(rule);
    for (const next of dependencies(rule, byId)) {
      const rest = go(next);
      if (rest !== undefined) {
        return [rule.id, ...rest];
      }
    }
    return undefined;
  };
  return go(start);
}

/** Problems with one rule's `after` reference, given the tree's rules by id and the rule's ancestors. */
function afterProblem(rule: Rule, ancestors: readonly string[], byId: ReadonlyMap<string, Rule>): string | undefined {
  if (!("after" in rule) || rule.after === undefined) {
    return undefined;
  }
  const target = byId.get(rule.after);
  if (target === undefined) {
    return `after names unknown rule "${rule.after}"`;
  }
  if (target.id === rule.id) {
    return "after refers to the rule itself, which can never be met first";
  }
  if (ancestors.includes(target.id)) {
    return `after refers to its ancestor "${target.id}", which can never be met first`;
  }
  const cycle = pathTo(target, rule.id, byId);
  return cycle === undefined ? undefined : `after chain is cyclic: ${[rule.id, ...cycle].join(" → ")}`;
}

/** Problems with an assessment's `retakeRequires` reference. */
function retakeProblem(rule: Rule, byId: ReadonlyMap<string, Rule>): string | undefined {
  if (rule.type !== "assessment" || rule.retakeRequires === undefined) {
    return undefined;
  }
  const target = byId.get(rule.retakeRequires);
  if (target === undefined) {
    return `retakeRequires names unknown rule "${rule.retakeRequires}"`;
  }
  return target.type === "completion"
    ? undefined
    : `retakeRequires must name a completion rule, but "${target.id}" is a ${target.type} rule`;
}

/**
 * Structural problems of one definition's rule tree: duplicate ids; `after`/`retakeRequires` naming an
 * unknown id; `retakeRequires` not naming a `completion` rule; an `after` chain that is cyclic or refers
 * to the rule itself or one of its ancestors (which could never be met first). Returns [] when sound.
 * (Catalog-level checks — unknown prerequisite certifications, prerequisite cycles — are done elsewhere.)
 */
export function validateRule(rule: Rule): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const byId = new Map<string, Rule>();
  const nodes: { rule: Rule; ancestors: readonly string[] }[] = [];
  walkRules(rule, (node, ancestors) => {
    if (byId.has(node.id)) {
      problems.push({ ruleId: node.id, message: `duplicate rule id "${node.id}"` });
    } else {
      byId.set(node.id, node);
    }
    nodes.push({ rule: node, ancestors });
  });
  for (const { rule: node, ancestors } of nodes) {
    for (const message of [afterProblem(node, ancestors, byId), retakeProblem(node, byId)]) {
      if (message !== undefined) {
        problems.push({ ruleId: node.id, message });
      }
    }
  }
  return problems;
}

/** Every `prerequisite` certification id in a tree (for the catalog's cross-checks), once each, in order. */
export function prerequisitesOf(rule: Rule): string[] {
  const ids: string[] = [];
  walkRules(rule, (node) => {
    if (node.type === "prerequisite" && !ids.includes(node.certification)) {
      ids.push(node.certification);
    }
  });
  return ids;
}
