import type { PrerequisiteRule, Rule } from "../criteria/rule-schema.js";
import { prerequisitesOf, validateRule } from "../criteria/validate-rule.js";

/** One certification's criteria, with the label that names where it was defined (file, and variant). */
export type CriteriaSource = {
  /** The certification id. */
  certification: string;
  /** "templates/achievements/x.yaml" or "templates/achievements/x.yaml (variant 2: sales)". */
  label: string;
  rule?: Rule | undefined;
};

/** Every `prerequisite` node of a rule tree, in document order. */
function prerequisiteRules(rule: Rule): PrerequisiteRule[] {
  if (rule.type === "prerequisite") {
    return [rule];
  }
  return "of" in rule ? rule.of.flatMap(prerequisiteRules) : [];
}

/**
 * The catalog-level problems of the criteria, one message each, naming the file (and variant) and the
 * rule id: a rule tree that does not validate (duplicate ids, `after` or `retakeRequires` naming no
 * rule, …), a prerequisite naming a certification that is not in the catalog, and prerequisite cycles
 * across the catalog ("a → b → a"). An empty list means the criteria are sound.
 */
export function checkCriteria(sources: CriteriaSource[]): string[] {
  const problems: string[] = [];
  const known = new Map(sources.map((s) => [s.certification, s]));

  for (const source of sources) {
    if (!source.rule) {
      continue;
    }
    for (const { ruleId, message } of validateRule(source.rule)) {
      problems.push(`${source.label}: rule ${ruleId}: ${message}`);
    }
    for (const prerequisite of prerequisiteRules(source.rule)) {
      if (!known.has(prerequisite.certification)) {
        problems.push(
          `${source.label}: rule ${prerequisite.id}: unknown certification "${prerequisite.certification}"`,
        );
      }
    }
  }

  problems.push(...findPrerequisiteCycles(sources, known));
  return problems;
}

/** Depth-first search over "requires" edges; each back edge closes one cycle, reported once. */
function findPrerequisiteCycles(sources: CriteriaSource[], known: Map<string, CriteriaSource>): string[] {
  const requires = new Map<string, string[]>();
  for (const source of sources) {
    const targets = source.rule ? prerequisitesOf(source.rule).filter((id) => known.has(id)) : [];
    requires.set(source.certification, [...new Set(targets)]);
  }

  const problems: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];

  const visit = (id: string): void => {
    state.set(id, "visiting");
    stack.push(id);
    for (const next of requires.get(id) ?? []) {
      const seen = state.get(next);
      if (seen === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        problems.push(describeCycle(cycle, known));
      } else if (seen === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const source of sources) {
    if (!state.has(source.certification)) {
      visit(source.certification);
    }
  }
  return problems;
}

/** "a.yaml: rule prereq-b: prerequisite cycle a → b → a (b is defined in b.yaml)". */
function describeCycle(cycle: string[], known: Map<string, CriteriaSource>): string {
  const [first, second] = cycle as [string, string];
  const source = known.get(first) as CriteriaSource;
  const ruleIds = source.rule
    ? prerequisiteRules(source.rule)
        .filter((r) => r.certification === second)
        .map((r) => r.id)
    : [];
  const elsewhere = [...new Set(cycle.slice(1, -1))]
    .filter((id) => known.get(id)?.label !== source.label)
    .map((id) => `${id} is defined in ${known.get(id)?.label}`);
  const where = elsewhere.length > 0 ? ` (${elsewhere.join("; ")})` : "";
  return `${source.label}: rule ${ruleIds.join(", ")}: prerequisite cycle ${cycle.join(" → ")}${where}`;
}
