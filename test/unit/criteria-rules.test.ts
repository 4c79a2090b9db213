import { describe, expect, it } from "vitest";
import { evaluateCriteria } from "../../src/domain/criteria/evaluate.js";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";
import type { Evidence, HeldCredential, RuleReport } from "../../src/domain/criteria/types.js";

const NOW = new Date("2026-06-01T12:00:00Z");
const at = (date: string) => `${date}T10:00:00Z`;

const attempt = (id: string, item: string, date: string, more: Partial<Evidence> = {}): Evidence =>
  ({ kind: "assessment", id, item, occurredAt: at(date), ...more }) as Evidence;
const done = (id: string, completion: string, item: string, date: string, more: Partial<Evidence> = {}): Evidence =>
  ({ kind: "completion", id, completion, item, occurredAt: at(date), ...more }) as Evidence;
const rated = (id: string, form: string, ratings: number[], date: string, scale = 5, delivery?: string): Evidence => ({
  ...(delivery !== undefined ? { delivery } : {}),
  kind: "rating",
  id,
  form,
  ratings,
  scale,
  occurredAt: at(date),
});
const held = (status: HeldCredential["status"], validUntil?: string, credentialId = "urn:uuid:c1"): HeldCredential => ({
  certification: "gitlab-certified-associate",
  credentialId,
  validFrom: at("2025-01-15"),
  status,
  ...(validUntil === undefined ? {} : { validUntil: at(validUntil) }),
});

/** Expectations on one node of a report, found by rule id. */
type Expect = { status: RuleReport["status"]; metAt?: string; evidence?: string[]; missing?: RegExp; notes?: RegExp };
type Row = { name: string; rule: Rule; evidence?: Evidence[]; held?: HeldCredential[]; expect: Record<string, Expect> };

function find(report: RuleReport, id: string): RuleReport | undefined {
  return report.id === id ? report : report.children?.map((c) => find(c, id)).find((r) => r !== undefined);
}

function check(row: Row): void {
  const report = evaluateCriteria({ rule: row.rule, evidence: row.evidence ?? [], held: row.held ?? [], now: NOW });
  for (const [id, want] of Object.entries(row.expect)) {
    const node = find(report, id);
    expect(node, id).toBeDefined();
    expect(node?.status, `${id} status`).toBe(want.status);
    if (want.metAt !== undefined || want.status !== "met") {
      expect(node?.metAt, `${id} metAt`).toBe(want.metAt === undefined ? undefined : at(want.metAt));
    }
    if (want.evidence !== undefined) {
      expect(node?.evidence, `${id} evidence`).toEqual(want.evidence);
    }
    if (want.status === "met") {
      expect(node?.missing).toBeUndefined();
    } else {
      expect(node?.missing, `${id} missing`).toMatch(want.missing ?? /\S/);
    }
    if (want.notes !== undefined) {
      expect(node?.notes?.join("\n"), `${id} notes`).toMatch(want.notes);
    }
  }
}

const written: Rule = { type: "assessment", id: "written", label: "Written exam", assessment: "w", passMark: 80 };
const lab: Rule = { type: "assessment", id: "lab", assessment: "l", graderRoles: ["ps-engineer"], after: "written" };
const byPs = { passed: true, graderRole: "ps-engineer" };

describe("assessment (scored)", () => {
  it.each<Row>([
    {
      name: "79.9 % fails",
      rule: written,
      evidence: [attempt("a1", "w", "2026-03-02", { score: 79.9 })],
      expect: { written: { status: "not-met", missing: /^needs 80 %, best is 79\.9 % on 2026-03-02$/ } },
    },
    {
      name: "79.996 % fails, and rounded half up never reads as the pass mark",
      rule: written,
      evidence: [attempt("a1", "w", "2026-03-02", { score: 79.996 })],
      expect: { written: { status: "not-met", missing: /^needs 80 %, best is just under 80 % on 2026-03-02$/ } },
    },
    {
      name: "80 % passes",
      rule: written,
      evidence: [attempt("a1", "w", "2026-03-02", { score: 80 })],
      expect: { written: { status: "met", metAt: "2026-03-02", evidence: ["a1"] } },
    },
    {
      name: "no attempt yet",
      rule: written,
      expect: { written: { status: "not-met", missing: /^needs 80 %, no attempt yet$/ } },
    },
    {
      name: "the first passing attempt decides",
      rule: written,
      evidence: [
        attempt("a3", "w", "2026-04-01", { score: 99 }),
        attempt("a1", "w", "2026-03-01", { score: 72 }),
        attempt("a2", "w", "2026-03-05", { score: 81 }),
      ],
      expect: { written: { status: "met", metAt: "2026-03-05", evidence: ["a2"] } },
    },
    {
      name: "a missing score is a failed attempt",
      rule: written,
      evidence: [attempt("a1", "w", "2026-03-02", { passed: true })],
      expect: {
        written: { status: "not-met", missing: /no scored attempt yet/, notes: /attempt on 2026-03-02 has no score/ },
      },
    },
    {
      name: "future-dated evidence is ignored",
      rule: written,
      evidence: [attempt("a1", "w", "2026-07-01", { score: 95 })],
      expect: { written: { status: "not-met", missing: /no attempt yet/ } },
    },
    {
      name: "a correction raises a score",
      rule: written,
      evidence: [
        attempt("a1", "w", "2026-03-02", { score: 75 }),
        attempt("a2", "w", "2026-03-02", { score: 82, supersedes: "a1" }),
      ],
      expect: { written: { status: "met", evidence: ["a2"], metAt: "2026-03-02" } },
    },
    {
      name: "a correction lowers a score",
      rule: written,
      evidence: [
        attempt("a1", "w", "2026-03-02", { score: 85 }),
        attempt("a2", "w", "2026-03-02", { score: 70, supersedes: "a1" }),
      ],
      expect: { written: { status: "not-met", missing: /best is 70 %/ } },
    },
    {
      name: "recency excludes old evidence",
      rule: { ...written, withinMonths: 12 },
      evidence: [attempt("a1", "w", "2025-05-01", { score: 90 })],
      expect: {
        written: {
          status: "not-met",
          missing: /^needs 80 %, no attempt in the last 12 months$/,
          notes: /2025-05-01 does not count: older than 12 months/,
        },
      },
    },
    {
      name: "recency keeps recent evidence",
      rule: { ...written, withinMonths: 12 },
      evidence: [attempt("a1", "w", "2025-07-01", { score: 90 })],
      expect: { written: { status: "met", metAt: "2025-07-01" } },
    },
    {
      name: "another assessment's score does not count",
      rule: written,
      evidence: [attempt("a1", "other", "2026-03-02", { score: 100 })],
      expect: { written: { status: "not-met", missing: /no attempt yet/ } },
    },
  ])("$name", check);
});

describe("assessment (pass/fail by authorised graders)", () => {
  const graded: Rule = { type: "assessment", id: "lab", assessment: "l", graderRoles: ["ps-engineer"] };
  it.each<Row>([
    {
      name: "a pass by a ps-engineer counts",
      rule: graded,
      evidence: [attempt("l1", "l", "2026-03-02", byPs)],
      expect: { lab: { status: "met", metAt: "2026-03-02", evidence: ["l1"] } },
    },
    {
      name: "a pass by a trainer does not count",
      rule: graded,
      evidence: [attempt("l1", "l", "2026-03-02", { passed: true, graderRole: "trainer" })],
      expect: {
        lab: {
          status: "not-met",
          missing: /^needs a pass graded by a ps-engineer/,
          notes: /graded by a trainer, not an authorised grader/,
        },
      },
    },
    {
      name: "a fail by a ps-engineer",
      rule: graded,
      evidence: [attempt("l1", "l", "2026-03-02", { passed: false, graderRole: "ps-engineer" })],
      expect: { lab: { status: "not-met", missing: /last attempt on 2026-03-02 failed/ } },
    },
    {
      name: "without graderRoles any grader counts",
      rule: { ...graded, graderRoles: undefined },
      evidence: [attempt("l1", "l", "2026-03-02", { passed: true, graderRole: "trainer" })],
      expect: { lab: { status: "met", evidence: ["l1"] } },
    },
  ])("$name", check);
});

describe("ordering (after)", () => {
  const journey: Rule = { type: "all", id: "root", of: [written, lab] };
  it.each<Row>([
    {
      name: "practical before the written pass does not count",
      rule: journey,
      evidence: [attempt("l1", "l", "2026-03-05", byPs), attempt("w1", "w", "2026-03-10", { score: 90 })],
      expect: {
        lab: {
          status: "not-met",
          missing: /^needs a pass graded by a ps-engineer, no attempt after Written exam was met$/,
          notes: /attempt on 2026-03-05 does not count: taken before Written exam was met/,
        },
        root: { status: "not-met", missing: /^1 of 2 still missing: Assessment l$/ },
      },
    },
    {
      name: "practical after the written pass counts",
      rule: journey,
      evidence: [attempt("w1", "w", "2026-03-10", { score: 90 }), attempt("l1", "l", "2026-03-12", byPs)],
      expect: {
        lab: { status: "met", metAt: "2026-03-12" },
        root: { status: "met", metAt: "2026-03-12", evidence: ["w1", "l1"] },
      },
    },
    {
      name: "practical on the day but before the pass does not count",
      rule: journey,
      evidence: [
        attempt("w1", "w", "2026-03-10", { score: 90 }),
        { ...attempt("l1", "l", "2026-03-10", byPs), occurredAt: "2026-03-10T09:00:00Z" },
      ],
      expect: { lab: { status: "not-met" } },
    },
    {
      name: "without the written pass the practical is not yet possible",
      rule: journey,
      evidence: [attempt("w1", "w", "2026-03-10", { score: 60 }), attempt("l1", "l", "2026-03-12", byPs)],
      expect: {
        lab: { status: "not-yet-possible", missing: /^needs Written exam first$/ },
        root: { status: "not-met", missing: /2 of 2 still missing/ },
      },
    },
    {
      name: "a composite whose unmet children are all not yet possible",
      rule: { type: "all", id: "root", of: [written, { type: "all", id: "practical", of: [lab] }] },
      evidence: [],
      expect: {
        practical: { status: "not-yet-possible", missing: /still missing: Assessment l/ },
        root: { status: "not-met" },
      },
    },
  ])("$name", check);
});

describe("retake policy", () => {
  const path: Rule = {
    type: "completion",
    id: "path",
    label: "the learning path",
    completion: "learning-path",
    item: "lp",
  };
  const exam: Rule = { type: "assessment", id: "exam", assessment: "x", passMark: 80, retakeRequires: "path" };
  const program: Rule = { type: "all", id: "root", of: [path, exam] };
  const base = [done("p1", "learning-path", "lp", "2026-02-01"), attempt("x1", "x", "2026-03-02", { score: 72 })];
  it.each<Row>([
    {
      name: "a retake without the learning path in between does not count",
      rule: program,
      evidence: [...base, attempt("x2", "x", "2026-03-10", { score: 85 })],
      expect: {
        exam: {
          status: "not-met",
          missing: /^needs 80 %, best is 72 % on 2026-03-02; retake allowed after completing the learning path$/,
          notes:
            /attempt on 2026-03-10 does not count: retake without completing the learning path after the failure on 2026-03-02/,
        },
      },
    },
    {
      name: "a retake after completing the learning path again counts",
      rule: program,
      evidence: [
        ...base,
        done("p2", "learning-path", "lp", "2026-03-05"),
        attempt("x2", "x", "2026-03-10", { score: 85 }),
      ],
      expect: {
        exam: { status: "met", metAt: "2026-03-10", evidence: ["x2"] },
        root: { status: "met", evidence: ["p1", "x2"] },
      },
    },
    {
      name: "an ineligible failed retake becomes the failure to beat",
      rule: program,
      evidence: [
        ...base,
        attempt("x2", "x", "2026-03-04", { score: 50 }),
        attempt("x3", "x", "2026-03-06", { score: 90 }),
      ],
      expect: { exam: { status: "not-met", notes: /2026-03-06 does not count: .* after the failure on 2026-03-04/ } },
    },
    {
      name: "after completing the path the retake is open",
      rule: program,
      evidence: [...base, done("p2", "learning-path", "lp", "2026-03-05")],
      expect: { exam: { status: "not-met", missing: /^needs 80 %, best is 72 % on 2026-03-02$/ } },
    },
    {
      name: "the first attempt needs no path",
      rule: exam,
      evidence: [attempt("x1", "x", "2026-03-02", { score: 81 })],
      expect: { exam: { status: "met", metAt: "2026-03-02" } },
    },
  ])("$name", check);
});

describe("completion and alternatives", () => {
  const live: Rule = { type: "completion", id: "live", completion: "delivery", item: "dry-run", mode: "live" };
  const recording: Rule = { type: "completion", id: "rec", completion: "delivery", item: "dry-run", mode: "recording" };
  const dryRun: Rule = { type: "any", id: "dry", of: [live, recording] };
  const course: Rule = {
    type: "completion",
    id: "course",
    completion: "course",
    item: "gitlab-cicd",
    withinMonths: 24,
  };
  it.each<Row>([
    {
      name: "a recording satisfies the dry run",
      rule: dryRun,
      evidence: [done("r1", "delivery", "dry-run", "2026-04-01", { mode: "recording" })],
      expect: {
        dry: { status: "met", metAt: "2026-04-01", evidence: ["r1"] },
        live: { status: "not-met", notes: /recording, live required/ },
      },
    },
    {
      name: "any picks the earliest met alternative",
      rule: dryRun,
      evidence: [
        done("r1", "delivery", "dry-run", "2026-04-01", { mode: "recording" }),
        done("l1", "delivery", "dry-run", "2026-03-01", { mode: "live" }),
      ],
      expect: { dry: { status: "met", metAt: "2026-03-01", evidence: ["l1"] } },
    },
    {
      name: "neither alternative",
      rule: dryRun,
      expect: {
        dry: {
          status: "not-met",
          missing: /^needs one of: Delivery dry-run \(live\); Delivery dry-run \(recording\)$/,
        },
      },
    },
    {
      name: "the earliest completion decides",
      rule: course,
      evidence: [done("c2", "course", "gitlab-cicd", "2026-02-01"), done("c1", "course", "gitlab-cicd", "2025-09-01")],
      expect: { course: { status: "met", metAt: "2025-09-01", evidence: ["c1"] } },
    },
    {
      name: "an old completion does not count",
      rule: course,
      evidence: [done("c1", "course", "gitlab-cicd", "2024-05-01")],
      expect: {
        course: {
          status: "not-met",
          missing: /^needs course gitlab-cicd completed in the last 24 months$/,
          notes: /older than 24 months/,
        },
      },
    },
    {
      name: "a workshop is not a course",
      rule: course,
      evidence: [done("c1", "workshop", "gitlab-cicd", "2026-01-01")],
      expect: { course: { status: "not-met" } },
    },
  ])("$name", check);
});

describe("rating", () => {
  const observed: Rule = {
    type: "rating",
    id: "obs",
    forms: ["observation"],
    minAverage: 4,
    scale: 5,
    delivery: { minForms: 1 },
  };
  /** A delivery is complete with two forms. */
  const pair: Rule = { ...observed, delivery: { minForms: 2 } };
  const two: Rule = { ...pair, forms: ["observation", "survey"] };
  /** A delivery is complete once a trainer closes it. */
  const closed: Rule = { ...observed, delivery: { minForms: 1, closure: { graderRoles: ["trainer"] } } };
  const closure = (
    id: string,
    delivery: string,
    date: string,
    graderRole = "trainer",
    form = "observation",
  ): Evidence => ({
    kind: "closure",
    id,
    form,
    delivery,
    occurredAt: at(date),
    graderRole,
  });
  it.each<Row>([
    {
      name: "3.9 over one form fails",
      rule: observed,
      evidence: [rated("f1", "observation", [4, 3.8], "2026-03-01")],
      expect: {
        obs: {
          status: "not-met",
          missing:
            /^needs an average of at least 4 out of 5 on observation, best average is 3\.9 over 1 form on 2026-03-01$/,
        },
      },
    },
    {
      name: "4.0 over one form passes",
      rule: observed,
      evidence: [rated("f1", "observation", [4, 4, 4], "2026-03-01")],
      expect: { obs: { status: "met", metAt: "2026-03-01", evidence: ["f1"] } },
    },
    {
      name: "3.9 over several forms of one delivery fails",
      rule: pair,
      evidence: [
        rated("f1", "observation", [4, 3.8], "2026-03-01", 5, "d1"),
        rated("f2", "observation", [3.8, 4], "2026-03-08", 5, "d1"),
      ],
      expect: { obs: { status: "not-met", missing: /best average is 3\.9 over 2 forms/ } },
    },
    {
      name: "4.0 over several forms of one delivery passes, at its latest form",
      rule: two,
      evidence: [
        rated("f2", "survey", [4, 4], "2026-03-08", 5, "d1"),
        rated("f1", "observation", [5, 3], "2026-03-01", 5, "d1"),
      ],
      expect: { obs: { status: "met", metAt: "2026-03-08", evidence: ["f1", "f2"] } },
    },
    {
      name: "a poor delivery is not rescued by a later good one: met at the good one alone",
      rule: observed,
      evidence: [
        rated("f1", "observation", [3, 3], "2026-03-01", 5, "d1"),
        rated("f2", "observation", [5, 5], "2026-03-08", 5, "d2"),
      ],
      expect: { obs: { status: "met", metAt: "2026-03-08", evidence: ["f2"] } },
    },
    {
      name: "a later poor delivery does not undo a passing one",
      rule: observed,
      evidence: [rated("f1", "observation", [5, 4], "2026-03-01"), rated("f2", "observation", [2, 2], "2026-03-08")],
      expect: { obs: { status: "met", metAt: "2026-03-01", evidence: ["f1"] } },
    },
    {
      name: "floating sums reaching exactly 4 pass",
      rule: observed,
      evidence: [rated("f1", "observation", [3.9, 4.1, 4.3, 3.7], "2026-03-01")],
      expect: { obs: { status: "met" } },
    },
    {
      name: "a delivery short of its forms is judged on nothing, whatever its average",
      rule: pair,
      evidence: [rated("f1", "observation", [5, 5], "2026-03-01", 5, "d1")],
      expect: {
        obs: {
          status: "not-met",
          missing: /on observation, waiting for delivery d1 of observation to be complete \(1 of 2 forms\)$/,
        },
      },
    },
    {
      name: "forms beyond a complete delivery's minForms do not count, and say so",
      rule: observed,
      evidence: [
        rated("f1", "observation", [5, 4], "2026-03-01", 5, "d1"),
        rated("f2", "observation", [1, 1], "2026-03-02", 5, "d1"),
      ],
      expect: {
        obs: {
          status: "met",
          metAt: "2026-03-01",
          evidence: ["f1"],
          notes: /delivery d1 of observation was complete with 1 form/,
        },
      },
    },
    {
      name: "an open delivery awards nothing: one early good form is not the delivery's average",
      rule: closed,
      evidence: [rated("f1", "observation", [5, 4, 3], "2026-03-01", 5, "acme")],
      expect: {
        obs: {
          status: "not-met",
          missing: /, waiting for delivery acme of observation to be complete \(1 form, not closed yet\)$/,
        },
      },
    },
    {
      name: "a closed delivery is judged on all its forms, at its closure",
      rule: closed,
      evidence: [
        rated("f1", "observation", [5, 4, 3], "2026-03-01", 5, "acme"),
        rated("f2", "observation", [3, 4, 3], "2026-03-02", 5, "acme"),
        closure("c1", "acme", "2026-03-05"),
      ],
      expect: { obs: { status: "not-met", missing: /best average is 3\.67 over 2 forms on 2026-03-05$/ } },
    },
    {
      name: "a closed delivery reaching the minimum is met at its closure, with the closure as evidence",
      rule: closed,
      evidence: [
        rated("f1", "observation", [5, 4, 4], "2026-03-01", 5, "acme"),
        rated("f2", "observation", [4, 5, 3], "2026-03-02", 5, "acme"),
        closure("c1", "acme", "2026-03-05"),
      ],
      expect: { obs: { status: "met", metAt: "2026-03-05", evidence: ["f1", "f2", "c1"] } },
    },
    {
      name: "a closure by an unauthorised grader leaves the delivery open",
      rule: closed,
      evidence: [
        rated("f1", "observation", [5, 5], "2026-03-01", 5, "acme"),
        closure("c1", "acme", "2026-03-05", "lms"),
      ],
      expect: {
        obs: {
          status: "not-met",
          missing: /waiting for delivery acme of observation/,
          notes:
            /closure on 2026-03-05 recorded by a lms, not an authorised grader: delivery acme of observation stays open/,
        },
      },
    },
    {
      name: "a form without a delivery id can never be closed",
      rule: closed,
      evidence: [rated("f1", "observation", [5, 5], "2026-03-01")],
      expect: { obs: { status: "not-met", missing: /a form without a delivery id can never be closed/ } },
    },
    {
      name: "forms count only from the rule's grader roles",
      rule: { ...observed, graderRoles: ["trainer"] },
      evidence: [
        { ...rated("f1", "observation", [5, 5], "2026-03-01"), graderRole: "lms" } as Evidence,
        rated("f2", "observation", [3, 3], "2026-03-02"),
      ],
      expect: {
        obs: { status: "not-met", missing: /submitted by a trainer, no rating yet$/, notes: /submitted by a lms/ },
      },
    },
    {
      name: "a delivery is judged whole under `after`: one with a form before it does not count, on its later forms either",
      rule: {
        type: "all",
        id: "both",
        of: [
          { ...observed, id: "first", forms: ["subset"] },
          { ...closed, after: "first" },
        ],
      },
      evidence: [
        rated("s1", "subset", [5], "2026-03-10", 5, "globex"),
        rated("f1", "observation", [1, 1, 1], "2026-03-09", 5, "acme"),
        rated("f2", "observation", [5, 5, 5], "2026-03-11", 5, "acme"),
        closure("c1", "acme", "2026-03-12"),
      ],
      expect: {
        obs: {
          status: "not-met",
          missing: /no rating yet after/,
          notes: /^delivery acme of observation does not count: its form on 2026-03-09 was taken before/m,
        },
      },
    },
    {
      name: "a delivery wholly after `after` counts, with every form of it",
      rule: {
        type: "all",
        id: "both",
        of: [
          { ...observed, id: "first", forms: ["subset"] },
          { ...closed, after: "first" },
        ],
      },
      evidence: [
        rated("s1", "subset", [5], "2026-03-10", 5, "globex"),
        rated("f1", "observation", [3, 4, 3], "2026-03-11", 5, "acme"),
        rated("f2", "observation", [5, 5, 5], "2026-03-11", 5, "acme"),
        closure("c1", "acme", "2026-03-12"),
      ],
      expect: { obs: { status: "met", metAt: "2026-03-12", evidence: ["f1", "f2", "c1"] } },
    },
    {
      name: "a delivery partly older than `withinMonths` does not count",
      rule: { ...closed, withinMonths: 3 },
      evidence: [
        rated("f1", "observation", [5, 5], "2026-02-20", 5, "acme"),
        rated("f2", "observation", [5, 5], "2026-03-05", 5, "acme"),
        closure("c1", "acme", "2026-03-06"),
      ],
      expect: {
        obs: {
          status: "not-met",
          notes: /delivery acme of observation does not count: its form on 2026-02-20 was older than 3 months/,
        },
      },
    },
    {
      name: "an average just under the minimum never reads as the minimum (3.996 rounds to 4)",
      rule: observed,
      evidence: [
        rated(
          "f1",
          "observation",
          [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3.912],
          "2026-03-01",
        ),
      ],
      expect: { obs: { status: "not-met", missing: /best average is just under 4 over 1 form/ } },
    },
    {
      name: "another scale does not count",
      rule: observed,
      evidence: [rated("f1", "observation", [9, 10], "2026-03-01", 10)],
      expect: { obs: { status: "not-met", missing: /no rating yet/, notes: /scale of 10, not 5/ } },
    },
  ])("$name", check);
});

describe("prerequisite", () => {
  const prereq: Rule = { type: "prerequisite", id: "assoc", certification: "gitlab-certified-associate" };
  it.each<Row>([
    {
      name: "an active credential is met at its validFrom",
      rule: prereq,
      held: [held("active", "2027-01-15")],
      expect: { assoc: { status: "met", metAt: "2025-01-15" } },
    },
    {
      name: "an expired prerequisite blocks",
      rule: prereq,
      held: [held("active", "2026-05-01")],
      expect: {
        assoc: { status: "not-met", missing: /^needs gitlab-certified-associate held: expired on 2026-05-01$/ },
      },
    },
    {
      name: "a revoked prerequisite blocks",
      rule: prereq,
      held: [held("revoked")],
      expect: { assoc: { status: "not-met", missing: /held: revoked$/ } },
    },
    {
      name: "a suspended prerequisite blocks",
      rule: prereq,
      held: [held("suspended")],
      expect: { assoc: { status: "not-met", missing: /held: suspended$/ } },
    },
    {
      name: "a prerequisite not held",
      rule: prereq,
      expect: { assoc: { status: "not-met", missing: /held: not held$/ } },
    },
    {
      name: "a labelled prerequisite names itself",
      rule: { ...prereq, label: "GitLab Certified Associate held" },
      expect: {
        assoc: {
          status: "not-met",
          missing: /^needs gitlab-certified-associate held \(GitLab Certified Associate held\): not held$/,
        },
      },
    },
    {
      name: "a renewal counts beside an expired one",
      rule: prereq,
      held: [
        held("active", "2025-06-01", "urn:old"),
        { ...held("active", undefined, "urn:new"), validFrom: at("2025-06-01") },
      ],
      expect: { assoc: { status: "met", metAt: "2025-06-01", notes: /urn:new/ } },
    },
  ])("$name", check);

  it("expires at validUntil exactly", () => {
    const report = evaluateCriteria({
      rule: prereq,
      evidence: [],
      held: [held("active", "2026-06-01")],
      now: new Date(at("2026-06-01")),
    });
    expect(report.status).toBe("not-met");
  });
});

describe("atLeast and labels", () => {
  const courses = ["a", "b", "c"].map<Rule>((item) => ({
    type: "completion",
    id: `c-${item}`,
    completion: "course",
    item,
  }));
  const twoOf: Rule = { type: "atLeast", id: "two", n: 2, of: courses };
  it.each<Row>([
    {
      name: "one of the two needed",
      rule: twoOf,
      evidence: [done("e1", "course", "b", "2026-01-01")],
      expect: {
        two: { status: "not-met", missing: /^needs 1 more of: Course a; Course c \(at least 2 of 3, 1 met\)$/ },
      },
    },
    {
      name: "n met, at the n-th earliest",
      rule: twoOf,
      evidence: [
        done("e3", "course", "c", "2026-01-01"),
        done("e1", "course", "a", "2026-02-01"),
        done("e2", "course", "b", "2026-03-01"),
      ],
      expect: { two: { status: "met", metAt: "2026-02-01", evidence: ["e1", "e3"] } },
    },
    {
      name: "all reports how many are missing",
      rule: { type: "all", id: "every", of: courses },
      evidence: [done("e1", "course", "b", "2026-01-01")],
      expect: { every: { status: "not-met", missing: /^2 of 3 still missing: Course a; Course c$/ } },
    },
  ])("$name", check);

  it("generates labels and keeps children in rule order", () => {
    const rule: Rule = {
      type: "all",
      id: "r",
      of: [{ type: "assessment", id: "w", assessment: "gitlab-associate-written" }, ...courses],
    };
    const report = evaluateCriteria({ rule, evidence: [], held: [], now: NOW });
    expect(report.label).toBe("All of 4 criteria");
    expect(report.children?.map((c) => c.label)).toEqual([
      "Assessment gitlab-associate-written",
      "Course a",
      "Course b",
      "Course c",
    ]);
  });
});

describe("assessments spent on an earlier credential (renewal, re-award)", () => {
  const written: Rule = { type: "assessment", id: "written", assessment: "exam", passMark: 80 };
  const spent = { from: at("2026-05-01"), credentialId: "urn:uuid:old", state: "revoked", used: ["a2"] };
  const evaluateWith = (evidence: Evidence[]) =>
    evaluateCriteria({ rule: written, evidence, held: [], now: NOW, spent });

  it("shows each earlier attempt as used by the credential or predating it, instead of 'no attempt yet'", () => {
    const report = evaluateWith([
      attempt("a1", "exam", "2026-03-01", { score: 60 }),
      attempt("a2", "exam", "2026-03-02", { score: 90 }),
    ]);
    expect(report.status).toBe("not-met");
    expect(report.missing).toBe(
      "needs 80 %, no attempt since 2026-05-01: 2 earlier attempts, 1 used by credential urn:uuid:old (revoked)",
    );
    expect(report.notes).toEqual([
      "attempt on 2026-03-01 does not count: only attempts since 2026-05-01 count after credential urn:uuid:old (revoked)",
      "attempt on 2026-03-02 was used by credential urn:uuid:old (revoked)",
    ]);
  });

  it("counts a fresh attempt, still naming the spent ones", () => {
    const report = evaluateWith([
      attempt("a2", "exam", "2026-03-02", { score: 90 }),
      attempt("a3", "exam", "2026-05-10", { score: 85 }),
    ]);
    expect(report.status).toBe("met");
    expect(report.evidence).toEqual(["a3"]);
    expect(report.notes).toEqual(["attempt on 2026-03-02 was used by credential urn:uuid:old (revoked)"]);
  });

  it("without earlier attempts it still says 'no attempt yet'", () => {
    expect(evaluateWith([]).missing).toBe("needs 80 %, no attempt yet");
  });
});
