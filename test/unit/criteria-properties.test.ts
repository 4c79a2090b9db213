import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCriteria } from "../../src/domain/criteria/evaluate.js";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";
import type { Evidence, HeldCredential, RuleReport } from "../../src/domain/criteria/types.js";
import { type Leaf, type Shape, shapesOf } from "../helpers/rule-trees.js";

const RUNS = { numRuns: 200 };
const NOW = new Date("2026-06-01T12:00:00Z");
const DAY = 86_400_000;

const ITEMS = ["i1", "i2", "i3"];
const OTHER_ITEMS = ["x1", "x2"];
const FORMS = ["f1", "f2"];
const DELIVERIES = ["d1", "d2"];
const TYPES = ["course", "learning-path"] as const;
const ROLES = ["ps-engineer", "trainer"];
const CERTS = ["c1", "c2", "c3"];

const date = fc.integer({ min: -20, max: 900 }).map((days) => new Date(NOW.getTime() - days * DAY).toISOString());
const months = fc.integer({ min: 1, max: 24 });

const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record(
    {
      type: fc.constant("assessment" as const),
      assessment: fc.constantFrom(...ITEMS),
      passMark: fc.integer({ min: 0, max: 1000 }).map((x) => x / 10),
      graderRoles: fc.subarray(ROLES, { minLength: 1 }),
      withinMonths: months,
    },
    { requiredKeys: ["type", "assessment"] },
  ),
  fc.record(
    {
      type: fc.constant("completion" as const),
      completion: fc.constantFrom(...TYPES),
      item: fc.constantFrom(...ITEMS),
      mode: fc.constantFrom("live" as const, "recording" as const),
      withinMonths: months,
    },
    { requiredKeys: ["type", "completion", "item"] },
  ),
  fc.record(
    {
      type: fc.constant("rating" as const),
      forms: fc.subarray(FORMS, { minLength: 1 }),
      minAverage: fc.integer({ min: 10, max: 50 }).map((x) => x / 10),
      scale: fc.constant(5),
      graderRoles: fc.subarray(ROLES, { minLength: 1 }),
      delivery: fc.record(
        {
          minForms: fc.integer({ min: 1, max: 3 }),
          closure: fc.record({ graderRoles: fc.subarray(ROLES, { minLength: 1 }) }, { requiredKeys: [] }),
        },
        { requiredKeys: ["minForms"] },
      ),
      withinMonths: months,
    },
    { requiredKeys: ["type", "forms", "minAverage", "scale", "delivery"] },
  ),
  fc.record({ type: fc.constant("prerequisite" as const), certification: fc.constantFrom(...CERTS) }),
);

const shape = shapesOf(leaf);

/** A rule tree with ids r0, r1, … in walk order, and `after`/`retakeRequires` references picked by `picks`. */
const rule: fc.Arbitrary<Rule> = fc
  .tuple(shape, fc.array(fc.nat(), { minLength: 40, maxLength: 40 }))
  .map(([tree, picks]) => {
    const nodes: Rule[] = [];
    const build = (s: Shape): Rule => {
      const node = { ...s, id: `r${nodes.length}` } as Rule;
      nodes.push(node);
      if ("of" in s) {
        (node as { of: Rule[] }).of = s.of.map(build);
      }
      return node;
    };
    const root = build(tree);
    const completions = nodes.filter((n) => n.type === "completion");
    nodes.forEach((node, i) => {
      const pick = picks[i % picks.length] ?? 0;
      if ((node.type === "assessment" || node.type === "completion" || node.type === "rating") && pick % 6 === 0) {
        node.after = nodes[Math.floor(pick / 6) % nodes.length]?.id;
      }
      if (node.type === "assessment" && completions.length > 0 && pick % 3 === 0) {
        node.retakeRequires = completions[pick % completions.length]?.id;
      }
    });
    return root;
  });

const evidenceOver = (items: string[], forms: string[]): fc.Arbitrary<Omit<Evidence, "id">> =>
  fc.oneof(
    fc.record(
      {
        kind: fc.constant("assessment" as const),
        item: fc.constantFrom(...items),
        occurredAt: date,
        score: fc.integer({ min: 0, max: 1000 }).map((x) => x / 10),
        passed: fc.boolean(),
        graderRole: fc.constantFrom(...ROLES),
      },
      { requiredKeys: ["kind", "item", "occurredAt"] },
    ),
    fc.record(
      {
        kind: fc.constant("completion" as const),
        completion: fc.constantFrom(...TYPES),
        item: fc.constantFrom(...items),
        occurredAt: date,
        mode: fc.constantFrom("live" as const, "recording" as const),
      },
      { requiredKeys: ["kind", "completion", "item", "occurredAt"] },
    ),
    fc.record(
      {
        kind: fc.constant("rating" as const),
        form: fc.constantFrom(...forms),
        ratings: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }),
        scale: fc.constantFrom(5, 5, 10),
        occurredAt: date,
        delivery: fc.constantFrom(...DELIVERIES),
        graderRole: fc.constantFrom(...ROLES),
      },
      { requiredKeys: ["kind", "form", "ratings", "scale", "occurredAt"] },
    ),
    fc.record(
      {
        kind: fc.constant("closure" as const),
        form: fc.constantFrom(...forms),
        delivery: fc.constantFrom(...DELIVERIES),
        occurredAt: date,
        graderRole: fc.constantFrom(...ROLES),
      },
      { requiredKeys: ["kind", "form", "delivery", "occurredAt"] },
    ),
  );

/** Evidence e0, e1, …; some records supersede an earlier one. */
const evidence: fc.Arbitrary<Evidence[]> = fc
  .array(fc.tuple(evidenceOver(ITEMS, FORMS), fc.nat()), { maxLength: 16 })
  .map((records) =>
    records.map(([record, pick], i) => {
      const supersedes = i > 0 && pick % 5 === 0 ? { supersedes: `e${pick % i}` } : {};
      return { ...record, id: `e${i}`, ...supersedes } as Evidence;
    }),
  );

const held: fc.Arbitrary<HeldCredential[]> = fc
  .array(
    fc.record(
      {
        certification: fc.constantFrom(...CERTS),
        validFrom: date,
        validUntil: date,
        status: fc.constantFrom("active" as const, "active" as const, "revoked" as const, "suspended" as const),
      },
      { requiredKeys: ["certification", "validFrom", "status"] },
    ),
    { maxLength: 3 },
  )
  .map((list) => list.map((h, i) => ({ ...h, credentialId: `urn:cred:${i}` })));

const input = fc.record({ rule, evidence, held });
const evaluate = (i: { rule: Rule; evidence: Evidence[]; held: HeldCredential[] }) =>
  evaluateCriteria({ ...i, now: NOW });

function nodes(report: RuleReport): RuleReport[] {
  return [report, ...(report.children ?? []).flatMap(nodes)];
}

function leaves(r: Rule): Rule[] {
  return "of" in r ? r.of.flatMap(leaves) : [r];
}

/** Whether a record could matter to any evidence rule of the tree (same kind and item or form). */
function relevant(e: Evidence, r: Rule): boolean {
  return leaves(r).some(
    (l) =>
      (e.kind === "assessment" && l.type === "assessment" && l.assessment === e.item) ||
      (e.kind === "completion" && l.type === "completion" && l.completion === e.completion && l.item === e.item) ||
      (e.kind === "rating" && l.type === "rating" && l.forms.includes(e.form)) ||
      (e.kind === "closure" && l.type === "rating" && l.forms.includes(e.form)),
  );
}

describe("criteria evaluation properties", () => {
  it("is deterministic, whatever the order of evidence and held credentials", () => {
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { minLength: 15, maxLength: 15 }), (i, keys) => {
        const shuffle = <T>(list: T[]) =>
          list
            .map((x, k) => ({ x, key: keys[k % keys.length] ?? 0, k }))
            .sort((a, b) => a.key - b.key || b.k - a.k)
            .map((e) => e.x);
        const first = evaluate(i);
        expect(evaluate(i)).toEqual(first);
        expect(evaluate({ ...i, evidence: shuffle(i.evidence), held: shuffle(i.held) })).toEqual(first);
      }),
      RUNS,
    );
  });

  it("never changes when irrelevant evidence or credentials are added", () => {
    const extra = fc.array(evidenceOver([...ITEMS, ...OTHER_ITEMS], [...FORMS, "x-form"]), { maxLength: 8 });
    const otherHeld = fc.array(fc.constantFrom("active" as const, "revoked" as const), { maxLength: 2 });
    fc.assert(
      fc.property(input, extra, otherHeld, (i, more, statuses) => {
        const irrelevant = more.map((e, k) => ({ ...e, id: `z${k}` }) as Evidence).filter((e) => !relevant(e, i.rule));
        const unrelated = statuses.map((status, k) => ({
          certification: "unrelated",
          credentialId: `urn:other:${k}`,
          validFrom: "2025-01-01T00:00:00Z",
          status,
        }));
        const widened = { rule: i.rule, evidence: [...irrelevant, ...i.evidence], held: [...i.held, ...unrelated] };
        expect(evaluate(widened)).toEqual(evaluate(i));
      }),
      RUNS,
    );
  });

  it("says what is missing for every unmet node, and nothing for met ones", () => {
    fc.assert(
      fc.property(input, (i) => {
        for (const node of nodes(evaluate(i))) {
          if (node.status === "met") {
            expect(node.missing).toBeUndefined();
            expect(node.metAt).toBeDefined();
          } else {
            expect(node.missing?.trim()).toBeTruthy();
            expect(node.metAt).toBeUndefined();
          }
        }
      }),
      RUNS,
    );
  });

  it("names the evidence or the held credential behind every met node, all of it countable", () => {
    fc.assert(
      fc.property(input, (i) => {
        const superseded = new Set(i.evidence.map((e) => e.supersedes));
        const countable = new Set(
          i.evidence.filter((e) => !superseded.has(e.id) && Date.parse(e.occurredAt) <= NOW.getTime()).map((e) => e.id),
        );
        for (const node of nodes(evaluate(i))) {
          expect(node.evidence.every((id) => countable.has(id))).toBe(true);
          if (node.status !== "met") {
            continue;
          }
          if (node.children !== undefined) {
            expect(node.children.some((c) => c.status === "met")).toBe(true);
          } else if (node.type === "prerequisite") {
            expect(i.held.some((h) => node.notes?.some((n) => n.includes(h.credentialId)))).toBe(true);
          } else {
            expect(node.evidence.length).toBeGreaterThan(0);
          }
        }
      }),
      RUNS,
    );
  });
});
