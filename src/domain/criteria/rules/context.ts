import { labelOf } from "../format.js";
import type { Rule } from "../rule-schema.js";
import type { Evidence, HeldCredential, RuleReport, RuleStatus, SpentAssessments } from "../types.js";

/** What every rule evaluator sees: prepared evidence, held credentials, the clock and the rest of the tree. */
export type EvalContext = {
  now: Date;
  nowMs: number;
  /** Evidence not superseded, not dated after `now`, sorted by occurredAt then id. */
  evidence: readonly Evidence[];
  held: readonly HeldCredential[];
  /** Assessments a renewal or re-award may not count again (see SpentAssessments). */
  spent: SpentAssessments | undefined;
  /** The rule with this id anywhere in the tree (first occurrence), if any. */
  find(id: string): Rule | undefined;
  /** Evaluates a rule of the tree, memoised (a rule reached again while being evaluated is not-yet-possible). */
  evaluate(rule: Rule): RuleReport;
};

export type EvidenceOf<K extends Evidence["kind"]> = Extract<Evidence, { kind: K }>;

/**
 * The records of one kind on one item (an assessment's attempts, a completion's item), in the order of `evidence`:
 * what `evidence.filter` by kind and item gives, from an index made once per prepared array (one person's records
 * are judged against every certification's rules). The arrays are shared: callers only read them.
 */
export function recordsOf(evidence: readonly Evidence[], kind: Evidence["kind"], item: string): readonly Evidence[] {
  let index = indexes.get(evidence);
  if (index === undefined) {
    // by kind, then by item: looked up by the rule's own strings (their hashes kept), no key text made per lookup
    index = { assessment: new Map(), completion: new Map() };
    for (const e of evidence) {
      if (e.kind === "assessment" || e.kind === "completion") {
        const byItem = index[e.kind];
        const list = byItem.get(e.item);
        if (list === undefined) {
          byItem.set(e.item, [e]);
        } else {
          list.push(e);
        }
      }
    }
    indexes.set(evidence, index);
  }
  return kind === "assessment" || kind === "completion" ? (index[kind].get(item) ?? NO_RECORDS) : NO_RECORDS;
}

const indexes = new WeakMap<
  readonly Evidence[],
  { assessment: Map<string, Evidence[]>; completion: Map<string, Evidence[]> }
>();
const NO_RECORDS: readonly Evidence[] = Object.freeze([]);

/** Fields of a report beyond the rule's identity. */
export type ReportFields = {
  status: RuleStatus;
  metAt?: string;
  evidence?: string[];
  missing?: string;
  notes?: string[];
  children?: RuleReport[];
};

/** Builds a report with a stable key order, omitting empty optional parts. */
export function report(rule: Rule, fields: ReportFields): RuleReport {
  const out: RuleReport = { id: rule.id, type: rule.type, label: labelOf(rule), status: fields.status, evidence: [] };
  if (fields.metAt !== undefined) {
    out.metAt = fields.metAt;
  }
  out.evidence = fields.evidence ?? [];
  if (fields.missing !== undefined) {
    out.missing = fields.missing;
  }
  if (fields.notes !== undefined && fields.notes.length > 0) {
    out.notes = fields.notes;
  }
  if (fields.children !== undefined) {
    out.children = fields.children;
  }
  return out;
}

/** The direct sub-rules of a composite (none for other kinds). */
export function childrenOf(rule: Rule): Rule[] {
  return rule.type === "all" || rule.type === "any" || rule.type === "atLeast" ? rule.of : [];
}

/** Visits every rule of a tree depth-first in rule order, with the ids of its ancestors (root first). */
/** The evidence and prerequisite rules of a tree (its leaves), in order. */
export function leafRules(rule: Rule): Rule[] {
  const found: Rule[] = [];
  walkRules(rule, (node) => {
    if (childrenOf(node).length === 0) {
      found.push(node);
    }
  });
  return found;
}

export function walkRules(rule: Rule, visit: (rule: Rule, ancestors: readonly string[]) => void): void {
  const go = (node: Rule, ancestors: string[]): void => {
    visit(node, ancestors);
    for (const child of childrenOf(node)) {
      go(child, [...ancestors, node.id]);
    }
  };
  go(rule, []);
}
