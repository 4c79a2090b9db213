import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { evaluateCriteria } from "../../src/domain/criteria/evaluate.js";
import { needsEvidence } from "../../src/domain/criteria/needs-evidence.js";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";
import type { Evidence, HeldCredential } from "../../src/domain/criteria/types.js";
import { loadCatalog } from "../../src/load-templates.js";
import { decideAwards } from "../../src/services/award-decisions.js";
import { type Leaf, type Shape, shapesOf } from "../helpers/rule-trees.js";

/**
 * needsEvidence lets an award decision skip evaluating a rule for a person without a record that counts: it must
 * never say so of a rule that evaluateCriteria could report met without one (only prerequisites, held credentials).
 */

const NOW = new Date("2026-06-01T12:00:00Z");
const DAY = 86_400_000;
const CERTS = ["c1", "c2", "c3"];
const ITEMS = ["i1", "i2"];

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record({ type: fc.constant("assessment" as const), assessment: fc.constantFrom(...ITEMS) }),
  fc.record({
    type: fc.constant("completion" as const),
    completion: fc.constant("course" as const),
    item: fc.constantFrom(...ITEMS),
  }),
  fc.record({
    type: fc.constant("rating" as const),
    forms: fc.constant(["f1"]),
    minAverage: fc.constant(1),
    scale: fc.constant(5),
    delivery: fc.record({ minForms: fc.integer({ min: 1, max: 2 }) }),
  }),
  fc.record({ type: fc.constant("prerequisite" as const), certification: fc.constantFrom(...CERTS) }),
);

const shape = shapesOf(leaf);

const rule: fc.Arbitrary<Rule> = shape.map((tree) => {
  let next = 0;
  const build = (s: Shape): Rule => {
    const node = { ...s, id: `r${next++}` } as Rule;
    if ("of" in s) {
      (node as { of: Rule[] }).of = s.of.map(build);
    }
    return node;
  };
  return build(tree);
});

const when = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const held: fc.Arbitrary<HeldCredential[]> = fc.array(
  fc.record(
    {
      certification: fc.constantFrom(...CERTS),
      credentialId: fc.uuid(),
      validFrom: fc.integer({ min: -5, max: 400 }).map(when),
      validUntil: fc.integer({ min: -400, max: 5 }).map(when),
      status: fc.constantFrom("active" as const, "active" as const, "revoked" as const, "suspended" as const),
    },
    { requiredKeys: ["certification", "credentialId", "validFrom", "status"] },
  ),
  { maxLength: 4 },
);

/** Records that do not count at NOW: dated after it. */
const futureEvidence: fc.Arbitrary<Evidence[]> = fc.array(
  fc.record({
    id: fc.uuid(),
    kind: fc.constant("assessment" as const),
    item: fc.constantFrom(...ITEMS),
    passed: fc.constant(true),
    occurredAt: fc.integer({ min: 1, max: 30 }).map((days) => when(-days)),
  }),
  { maxLength: 3 },
) as fc.Arbitrary<Evidence[]>;

describe("needsEvidence", () => {
  it("a rule that needs evidence is never met without a record that counts, whatever is held", () => {
    fc.assert(
      fc.property(rule, held, futureEvidence, (r, h, evidence) => {
        const report = evaluateCriteria({ rule: r, evidence, held: h, now: NOW });
        if (needsEvidence(r)) {
          expect(report.status).not.toBe("met");
        }
      }),
      { numRuns: 500 },
    );
  });

  it("says a rule met by prerequisites alone does not need evidence", () => {
    const prerequisite: Rule = { type: "prerequisite", id: "p", certification: "c1" };
    const assessment: Rule = { type: "assessment", id: "a", assessment: "i1" };
    expect(needsEvidence(prerequisite)).toBe(false);
    expect(needsEvidence(assessment)).toBe(true);
    expect(needsEvidence({ type: "any", id: "x", of: [assessment, prerequisite] })).toBe(false);
    expect(needsEvidence({ type: "all", id: "y", of: [assessment, prerequisite] })).toBe(true);
    expect(needsEvidence({ type: "atLeast", id: "z", n: 2, of: [assessment, prerequisite] })).toBe(true);
    expect(needsEvidence({ type: "atLeast", id: "w", n: 1, of: [assessment, prerequisite] })).toBe(false);
    const heldC1: HeldCredential = { certification: "c1", credentialId: "h", validFrom: when(10), status: "active" };
    const anyOf: Rule = { type: "any", id: "v", of: [assessment, prerequisite] };
    expect(evaluateCriteria({ rule: anyOf, evidence: [], held: [heldC1], now: NOW }).status).toBe("met");
  });

  it("decideAwards without evidence decides every catalog certification as the full evaluation does", () => {
    const catalog = loadCatalog("templates");
    const config = loadConfig({ LAUREL_PUBLIC_URL: "https://badges.test" });
    const ids = catalog.entries.map((e) => e.id);
    const heldSets: HeldCredential[][] = [
      [],
      ...ids.map((certification) => [
        { certification, credentialId: `h-${certification}`, validFrom: when(30), status: "active" as const },
      ]),
      ids.map((certification) => ({
        certification,
        credentialId: `h-${certification}`,
        validFrom: when(30),
        status: "active" as const,
      })),
    ];
    for (const h of heldSets) {
      const decisions = decideAwards(
        { catalog, config },
        {
          now: NOW,
          state: { email: "grace@example.org", name: "Grace", evidence: [], held: h },
          approvals: new Map(),
        },
      );
      for (const decision of decisions) {
        const entry = catalog.get(decision.action === "skip" ? decision.achievementId : decision.entry.id);
        const full = evaluateCriteria({ rule: entry?.criteria.rule as Rule, evidence: [], held: h, now: NOW });
        if (decision.action === "skip" && decision.why === "not-met") {
          expect(full.status).not.toBe("met");
        }
      }
    }
  });
});
