import { describe, expect, it } from "vitest";
import { evaluateCriteria } from "../../src/domain/criteria/evaluate.js";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";
import type { Evidence, HeldCredential, RuleReport } from "../../src/domain/criteria/types.js";
import { loadCatalog } from "../../src/load-templates.js";

/**
 * Scenario tests for every program of the seeds, on the shipped catalog (templates/): the happy path of
 * each certification is met, and the acceptance edge cases decide as the seeds say.
 */

const catalog = loadCatalog("templates");
const NOW = new Date("2026-06-15T12:00:00Z");

// ---- evidence helpers --------------------------------------------------------------------------------

let sequence = 0;
const nextId = () => `ev-${++sequence}`;
/** A date as an instant at noon UTC ("2026-03-02" → "2026-03-02T12:00:00Z"). */
const at = (date: string) => `${date}T12:00:00Z`;

/** A scored attempt (percent). */
const scored = (item: string, score: number, date: string): Evidence => ({
  id: nextId(),
  kind: "assessment",
  item,
  score,
  occurredAt: at(date),
});

/** A pass/fail grade, by default passed by a Professional Services engineer. */
const graded = (item: string, date: string, passed = true, graderRole = "ps-engineer"): Evidence => ({
  id: nextId(),
  kind: "assessment",
  item,
  passed,
  graderRole,
  occurredAt: at(date),
});

type Completion = Extract<Evidence, { kind: "completion" }>;
const completed = (
  completion: Completion["completion"],
  item: string,
  date: string,
  mode?: "live" | "recording",
  graderRole?: string,
): Evidence => ({
  id: nextId(),
  kind: "completion",
  completion,
  item,
  occurredAt: at(date),
  ...(mode ? { mode } : {}),
  ...(graderRole ? { graderRole } : {}),
});

/** A completion recorded by the observer's key (grader role `role`). */
const observed = (completion: Completion["completion"], item: string, date: string, role: string): Evidence =>
  completed(completion, item, date, undefined, role);

/** Ratings on a form (scale 5), of a delivery and by a grader's key when given. */
const rated = (
  form: string,
  ratings: number[],
  date: string,
  more: { delivery?: string; graderRole?: string } = {},
): Evidence => ({
  id: nextId(),
  kind: "rating",
  form,
  ratings,
  scale: 5,
  occurredAt: at(date),
  ...more,
});

/** A grader closing a delivery of a form: every form of it is in. */
const closed = (form: string, delivery: string, date: string, graderRole = "certified-trainer"): Evidence => ({
  id: nextId(),
  kind: "closure",
  form,
  delivery,
  occurredAt: at(date),
  graderRole,
});

/** A credential held since `from`; pass `until` for an expiring one, `status` for a revoked or suspended one. */
const holds = (
  certification: string,
  options: { from?: string; until?: string; status?: HeldCredential["status"] } = {},
): HeldCredential => ({
  certification,
  credentialId: `urn:uuid:held-${certification}`,
  validFrom: at(options.from ?? "2025-01-10"),
  status: options.status ?? "active",
  ...(options.until ? { validUntil: at(options.until) } : {}),
});

// ---- evaluation helpers ------------------------------------------------------------------------------

function ruleOf(certification: string): Rule {
  const rule = catalog.get(certification)?.criteria.rule;
  if (!rule) {
    throw new Error(`${certification} has no criteria.rule`);
  }
  return rule;
}

function evaluate(certification: string, evidence: Evidence[], held: HeldCredential[] = []): RuleReport {
  return evaluateCriteria({ rule: ruleOf(certification), evidence, held, now: NOW });
}

/** The report of the rule with this id anywhere in the tree. */
function find(report: RuleReport, id: string): RuleReport {
  const stack = [report];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.id === id) {
      return node;
    }
    stack.push(...(node.children ?? []));
  }
  throw new Error(`no rule "${id}" in the report of ${report.id}`);
}

/** Every rule of a tree. */
function nodes(rule: Rule): Rule[] {
  return "of" in rule ? [rule, ...rule.of.flatMap(nodes)] : [rule];
}

// ---- programs ----------------------------------------------------------------------------------------

const TECHNICAL = {
  "gitlab-certified-associate": { assessments: "gitlab-associate", requires: [] as string[] },
  "gitlab-certified-cicd-specialist": {
    assessments: "gitlab-cicd-specialist",
    requires: ["gitlab-certified-associate"],
  },
  "gitlab-certified-project-management-specialist": {
    assessments: "gitlab-project-management-specialist",
    requires: ["gitlab-certified-associate"],
  },
  "gitlab-certified-security-specialist": {
    assessments: "gitlab-security-specialist",
    requires: ["gitlab-certified-associate"],
  },
  "gitlab-certified-innersourcing-specialist": {
    assessments: "gitlab-innersourcing-specialist",
    requires: ["gitlab-certified-associate"],
  },
  "gitlab-certified-devops-professional": {
    assessments: "gitlab-devops-professional",
    requires: [
      "gitlab-certified-cicd-specialist",
      "gitlab-certified-project-management-specialist",
      "gitlab-certified-security-specialist",
    ],
  },
} as const;
type TechnicalId = keyof typeof TECHNICAL;

/** Written 85 % on 2026-03-02, lab passed on 2026-03-09. */
const technicalEvidence = (id: TechnicalId) => [
  scored(`${TECHNICAL[id].assessments}-written`, 85, "2026-03-02"),
  graded(`${TECHNICAL[id].assessments}-lab`, "2026-03-09"),
];

const TRAINER_COURSES = {
  "gitlab-basics": "gitlab-certified-associate",
  "gitlab-cicd": "gitlab-certified-cicd-specialist",
  "gitlab-innersourcing": "gitlab-certified-innersourcing-specialist",
  "gitlab-project-managers": "gitlab-certified-project-management-specialist",
  "gitlab-security-essentials": "gitlab-certified-security-specialist",
  "gitlab-devops-fundamentals": "gitlab-certified-devops-professional",
} as const;
type Course = keyof typeof TRAINER_COURSES;

/** What a certified trainer records: the shadowing, the Candidate Observation Form, closing a surveyed delivery. */
const CERTIFIED_TRAINER = "certified-trainer";
/** The Candidate Observation Form, filled in by the observing certified trainer. */
const observationForm = (course: Course, ratings: number[], date = "2026-03-10") =>
  rated(`${course}-candidate-observation-form`, ratings, date, { graderRole: CERTIFIED_TRAINER });
/** Every customer's Training Survey of one delivery (one form per ratings list), then the trainer closes it. */
const surveyedDelivery = (course: Course, surveys: number[][], date = "2026-04-21", delivery = `${course}-acme`) => [
  ...surveys.map((ratings) => rated(`${course}-training-survey`, ratings, date, { delivery })),
  closed(`${course}-training-survey`, delivery, date),
];

/** Every task of the trainer program for a course, in order, with a live dry run. */
const trainerEvidence = (course: Course, dryRun: "live" | "recording" | "none" = "live") => [
  completed("review", `${course}-trainer-resources`, "2026-01-12"),
  observed("shadowing", `${course}-delivery`, "2026-01-20", CERTIFIED_TRAINER),
  ...(dryRun === "none" ? [] : [completed("delivery", `${course}-dry-run`, "2026-02-03", dryRun)]),
  observationForm(course, [4, 5, 4, 4]),
  ...surveyedDelivery(course, [
    [5, 4],
    [4, 5, 3],
  ]),
];
/** The trainer tasks without the rated deliveries. */
const trainerTasks = (course: Course) => trainerEvidence(course).filter((e) => e.kind === "completion");
const trainerHeld = (course: Course) => [holds(TRAINER_COURSES[course])];

const FIELD_ROLES = ["sales", "sa-csm"] as const;
const ACCREDITATION_ROLES = [
  "strategic-account-leader",
  "account-executive",
  "solution-architect",
  "customer-success-manager",
  "partner",
] as const;
const USE_CASE_PATHS = [
  "continuous-integration-customer-use-case",
  "devsecops-customer-use-case",
  "devops-platform-customer-use-case",
  "agile-management",
];

const accreditationEvidence = (role: string, paths = USE_CASE_PATHS) => [
  scored(`field-accreditation-${role}-written`, 88, "2026-02-02"),
  scored(`field-accreditation-${role}-practical`, 92, "2026-02-16"),
  ...paths.map((path, i) => completed("learning-path", path, `2026-03-0${i + 1}`)),
];

/** Shadowing and the led migration are recorded by the PSE Migration Engineer (seed 004). */
const MIGRATION_ENGINEER = "pse-migration-engineer";
const migrationEvidence = () => [
  completed("review", "migration-services-resources", "2026-01-05"),
  scored("migration-assessment", 90, "2026-01-19"),
  completed("workshop", "congregate-onboarding", "2026-02-02"),
  observed("shadowing", "customer-migration", "2026-03-03", MIGRATION_ENGINEER),
  observed("delivery", "customer-migration", "2026-04-14", MIGRATION_ENGINEER),
];

// ---- the catalog models every program ----------------------------------------------------------------

describe("the catalog models every certification with a labelled rule", () => {
  it.each(catalog.entries.map((e) => [e.id]))("%s has a rule whose every node has a label", (id) => {
    const rule = ruleOf(id);
    for (const node of nodes(rule)) {
      expect(node.label, `${id}: rule ${node.id}`).toMatch(/\S/);
    }
  });

  it("requires the Associate for every Specialist and the three journey Specialists for the Professional", () => {
    const prerequisites = (id: string) =>
      nodes(ruleOf(id)).flatMap((n) => (n.type === "prerequisite" ? [n.certification] : []));
    for (const [id, { requires }] of Object.entries(TECHNICAL)) {
      expect(prerequisites(id), id).toEqual(requires);
    }
    for (const [course, endUser] of Object.entries(TRAINER_COURSES)) {
      expect(prerequisites(`certified-trainer-${course}`)).toEqual([endUser]);
    }
  });
});

// ---- 1. technical certifications (seed 000) ----------------------------------------------------------

describe("technical certifications: prerequisites, written then lab graded by a PS engineer", () => {
  it.each(Object.keys(TECHNICAL) as TechnicalId[])("%s: the full path is met", (id) => {
    const report = evaluate(
      id,
      technicalEvidence(id),
      TECHNICAL[id].requires.map((c) => holds(c)),
    );
    expect(report.status).toBe("met");
    expect(report.missing).toBeUndefined();
  });

  it("79.9 % on the written assessment fails and 80 % passes", () => {
    const lab = graded("gitlab-associate-lab", "2026-03-20");
    const failing = evaluate("gitlab-certified-associate", [
      scored("gitlab-associate-written", 79.9, "2026-03-02"),
      lab,
    ]);
    expect(failing.status).not.toBe("met");
    expect(find(failing, "written").status).toBe("not-met");
    expect(find(failing, "written").missing).toMatch(/80/);
    expect(find(failing, "written").missing).toMatch(/79\.9/);

    const passing = evaluate("gitlab-certified-associate", [scored("gitlab-associate-written", 80, "2026-03-02"), lab]);
    expect(find(passing, "written").status).toBe("met");
    expect(passing.status).toBe("met");
  });

  it("a lab taken before the written pass does not count; one taken after it does", () => {
    const before = [
      scored("gitlab-associate-written", 70, "2026-03-02"),
      graded("gitlab-associate-lab", "2026-03-05"),
      scored("gitlab-associate-written", 86, "2026-03-09"),
    ];
    const report = evaluate("gitlab-certified-associate", before);
    expect(find(report, "written").status).toBe("met");
    expect(find(report, "lab").status).not.toBe("met");
    expect(find(report, "lab").missing).toMatch(/\S/);
    expect(report.status).not.toBe("met");
    expect(report.missing).toMatch(/lab/i);

    const retaken = evaluate("gitlab-certified-associate", [...before, graded("gitlab-associate-lab", "2026-03-12")]);
    expect(retaken.status).toBe("met");
  });

  it("a lab with no written pass at all is not yet possible", () => {
    const report = evaluate("gitlab-certified-associate", [graded("gitlab-associate-lab", "2026-03-05")]);
    expect(find(report, "lab").status).toBe("not-yet-possible");
    expect(find(report, "lab").missing).toMatch(/written/i);
  });

  it("a lab graded by someone who is not a Professional Services engineer does not count", () => {
    const report = evaluate("gitlab-certified-associate", [
      scored("gitlab-associate-written", 90, "2026-03-02"),
      graded("gitlab-associate-lab", "2026-03-09", true, "trainer"),
    ]);
    expect(find(report, "lab").status).toBe("not-met");
    expect(report.status).toBe("not-met");
  });

  it("a failed lab does not count", () => {
    const report = evaluate("gitlab-certified-associate", [
      scored("gitlab-associate-written", 90, "2026-03-02"),
      graded("gitlab-associate-lab", "2026-03-09", false),
    ]);
    expect(find(report, "lab").status).toBe("not-met");
  });

  it("a Specialist needs the Associate held, and its exams wait for it", () => {
    const report = evaluate("gitlab-certified-cicd-specialist", technicalEvidence("gitlab-certified-cicd-specialist"));
    expect(report.status).not.toBe("met");
    expect(find(report, "prereq-associate").status).not.toBe("met");
    expect(find(report, "prereq-associate").missing).toMatch(/Associate/);
    expect(find(report, "written").status).toBe("not-yet-possible");
    expect(find(report, "written").missing).toMatch(/needs GitLab Certified Associate first/);
    expect(find(report, "lab").status).not.toBe("met");
  });

  it.each(["gitlab-certified-cicd-specialist", "gitlab-certified-innersourcing-specialist"] as TechnicalId[])(
    "%s: a written assessment taken before the Associate was earned does not count (the Associate is a prerequisite)",
    (id) => {
      const earnedBetween = holds("gitlab-certified-associate", { from: "2026-03-05" });
      const report = evaluate(id, technicalEvidence(id), [earnedBetween]);
      expect(find(report, "prereq-associate").status).toBe("met");
      expect(find(report, "written").status).toBe("not-met");
      expect(find(report, "written").notes?.join(" ")).toMatch(
        /attempt on 2026-03-02 does not count: taken before GitLab Certified Associate was earned/,
      );
      expect(report.status).not.toBe("met");
      const later = [
        scored(`${TECHNICAL[id].assessments}-written`, 88, "2026-03-10"),
        graded(`${TECHNICAL[id].assessments}-lab`, "2026-03-12"),
      ];
      expect(evaluate(id, later, [earnedBetween]).status).toBe("met");
    },
  );

  it("the Associate counts from when it was earned (its criteria met), not from its later issue", () => {
    const awardedLate = { ...holds("gitlab-certified-associate", { from: "2026-03-20" }), earnedAt: at("2026-03-01") };
    const report = evaluate("gitlab-certified-cicd-specialist", technicalEvidence("gitlab-certified-cicd-specialist"), [
      awardedLate,
    ]);
    expect(report.status).toBe("met");
  });

  it("the Professional's exams count only after the last of its three Specialists was earned", () => {
    const id = "gitlab-certified-devops-professional";
    const held = [
      holds("gitlab-certified-cicd-specialist"),
      holds("gitlab-certified-project-management-specialist"),
      holds("gitlab-certified-security-specialist", { from: "2026-03-05" }),
    ];
    const report = evaluate(id, technicalEvidence(id), held);
    expect(find(report, "prerequisites").status).toBe("met");
    expect(find(report, "written").status).toBe("not-met");
    expect(report.status).not.toBe("met");
  });

  it.each([
    ["expired", holds("gitlab-certified-associate", { from: "2024-01-10", until: "2026-01-10" })],
    ["revoked", holds("gitlab-certified-associate", { status: "revoked" })],
    ["suspended", holds("gitlab-certified-associate", { status: "suspended" })],
  ])("an %s Associate blocks the Specialist", (state, held) => {
    const report = evaluate(
      "gitlab-certified-security-specialist",
      technicalEvidence("gitlab-certified-security-specialist"),
      [held],
    );
    expect(report.status).not.toBe("met");
    expect(find(report, "prereq-associate").status).not.toBe("met");
    expect(find(report, "prereq-associate").missing).toContain(state);
    expect(find(report, "prereq-associate").missing).toMatch(/gitlab-certified-associate/);
    expect(report.missing).toMatch(/GitLab Certified Associate/);
  });

  it("an Associate valid until a later date counts", () => {
    const report = evaluate(
      "gitlab-certified-security-specialist",
      technicalEvidence("gitlab-certified-security-specialist"),
      [holds("gitlab-certified-associate", { until: "2027-01-10" })],
    );
    expect(report.status).toBe("met");
  });

  it("the DevOps Professional needs all three of CI/CD, PM and Security; InnerSourcing does not count", () => {
    const evidence = technicalEvidence("gitlab-certified-devops-professional");
    const withInnerSourcing = evaluate("gitlab-certified-devops-professional", evidence, [
      holds("gitlab-certified-associate"),
      holds("gitlab-certified-cicd-specialist"),
      holds("gitlab-certified-project-management-specialist"),
      holds("gitlab-certified-innersourcing-specialist"),
    ]);
    expect(withInnerSourcing.status).not.toBe("met");
    expect(find(withInnerSourcing, "prerequisites").status).not.toBe("met");
    expect(find(withInnerSourcing, "prerequisites").missing).toMatch(/Security/);
    expect(find(withInnerSourcing, "prereq-cicd-specialist").status).toBe("met");
    expect(find(withInnerSourcing, "prereq-project-management-specialist").status).toBe("met");
    expect(find(withInnerSourcing, "prereq-security-specialist").status).not.toBe("met");

    const allThree = evaluate("gitlab-certified-devops-professional", evidence, [
      holds("gitlab-certified-cicd-specialist"),
      holds("gitlab-certified-project-management-specialist"),
      holds("gitlab-certified-security-specialist"),
    ]);
    expect(allThree.status).toBe("met");
  });

  it("one assessment's evidence never counts for another certification", () => {
    const report = evaluate(
      "gitlab-certified-security-specialist",
      technicalEvidence("gitlab-certified-cicd-specialist"),
      [holds("gitlab-certified-associate")],
    );
    expect(find(report, "written").status).toBe("not-met");
    expect(report.status).not.toBe("met");
  });
});

// ---- 2. certified trainer per course (seed 001) ------------------------------------------------------

describe("certified trainer, per course", () => {
  it.each(Object.keys(TRAINER_COURSES) as Course[])("certified-trainer-%s: the full path is met", (course) => {
    const report = evaluate(`certified-trainer-${course}`, trainerEvidence(course), trainerHeld(course));
    expect(report.status).toBe("met");
  });

  it("a recording satisfies the dry run when no live dry run was delivered", () => {
    const report = evaluate(
      "certified-trainer-gitlab-cicd",
      trainerEvidence("gitlab-cicd", "recording"),
      trainerHeld("gitlab-cicd"),
    );
    expect(find(report, "dry-run").status).toBe("met");
    expect(find(report, "dry-run-recording").status).toBe("met");
    expect(find(report, "dry-run-live").status).not.toBe("met");
    expect(report.status).toBe("met");
  });

  it("without any dry run the certification is not met and the dry run is named as missing", () => {
    const report = evaluate(
      "certified-trainer-gitlab-cicd",
      trainerEvidence("gitlab-cicd", "none"),
      trainerHeld("gitlab-cicd"),
    );
    expect(find(report, "dry-run").status).toBe("not-met");
    expect(find(report, "dry-run").missing).toMatch(/\S/);
    expect(report.status).toBe("not-met");
    expect(report.missing).toMatch(/dry run/i);
  });

  it("an average of 3.9 on the Candidate Observation Form fails; 4.0 passes", () => {
    const tasks = trainerTasks("gitlab-basics");
    const survey = surveyedDelivery("gitlab-basics", [[4, 4, 5]]);
    const low = evaluate(
      "certified-trainer-gitlab-basics",
      [...tasks, observationForm("gitlab-basics", [4, 4, 4, 4, 4, 4, 4, 4, 4, 3]), ...survey],
      trainerHeld("gitlab-basics"),
    );
    expect(find(low, "observed-subset-delivery").status).toBe("not-met");
    expect(find(low, "observed-subset-delivery").missing).toMatch(/3\.9/);
    expect(find(low, "observed-subset-delivery").missing).toMatch(/4/);
    expect(low.status).not.toBe("met");

    const enough = evaluate(
      "certified-trainer-gitlab-basics",
      [...tasks, observationForm("gitlab-basics", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]), ...survey],
      trainerHeld("gitlab-basics"),
    );
    expect(find(enough, "observed-subset-delivery").status).toBe("met");
    expect(enough.status).toBe("met");
  });

  const observedTasks = () => [...trainerTasks("gitlab-basics"), observationForm("gitlab-basics", [4, 5, 4, 4])];

  it("a Training Survey below 4 out of 5 fails", () => {
    const report = evaluate(
      "certified-trainer-gitlab-basics",
      [...observedTasks(), ...surveyedDelivery("gitlab-basics", [[3, 4, 4, 4, 4]])],
      trainerHeld("gitlab-basics"),
    );
    expect(find(report, "training-survey").status).toBe("not-met");
    expect(find(report, "training-survey").missing).toMatch(/3\.8/);
  });

  it("a Training Survey of a delivery before the observed subset delivery does not count", () => {
    const report = evaluate(
      "certified-trainer-gitlab-basics",
      [...observedTasks(), ...surveyedDelivery("gitlab-basics", [[5, 5, 5]], "2026-03-01")],
      trainerHeld("gitlab-basics"),
    );
    expect(find(report, "training-survey").status).not.toBe("met");
    expect(report.status).not.toBe("met");
  });

  it("one survey of a delivery the trainer has not closed awards nothing; once closed, every survey counts", () => {
    const [first, second, closure] = surveyedDelivery("gitlab-basics", [
      [5, 4, 3],
      [3, 4, 3],
    ]) as [Evidence, Evidence, Evidence];
    const open = evaluate("certified-trainer-gitlab-basics", [...observedTasks(), first], trainerHeld("gitlab-basics"));
    expect(find(open, "training-survey").status).toBe("not-met");
    expect(find(open, "training-survey").missing).toMatch(
      /waiting for delivery gitlab-basics-acme of gitlab-basics-training-survey to be complete/,
    );
    expect(open.status).not.toBe("met");

    const done = evaluate(
      "certified-trainer-gitlab-basics",
      [...observedTasks(), first, second, closure],
      trainerHeld("gitlab-basics"),
    );
    expect(find(done, "training-survey").status).toBe("not-met");
    expect(find(done, "training-survey").missing).toMatch(/best average is 3\.67 over 2 forms/);
    expect(done.status).not.toBe("met");
  });

  it("the delivery counts only when closed by a certified trainer", () => {
    const surveys = surveyedDelivery("gitlab-basics", [[5, 5, 5]]).filter((e) => e.kind === "rating");
    const report = evaluate(
      "certified-trainer-gitlab-basics",
      [
        ...observedTasks(),
        ...surveys,
        closed("gitlab-basics-training-survey", "gitlab-basics-acme", "2026-04-22", "ps-engineer"),
      ],
      trainerHeld("gitlab-basics"),
    );
    expect(find(report, "training-survey").status).toBe("not-met");
    expect(find(report, "training-survey").notes?.join(" ")).toMatch(/not an authorised grader/);
  });

  it.each([
    ["the Candidate Observation Form", "observed-subset-delivery"],
    ["the shadowing", "shadowed-certified-trainer"],
  ])("%s counts only from a certified trainer's key", (_label, ruleId) => {
    const evidence = trainerEvidence("gitlab-basics").map((e) =>
      (e.kind === "rating" && e.form.endsWith("observation-form")) || (e.kind === "completion" && e.graderRole)
        ? ({ ...e, graderRole: "ps-engineer" } as Evidence)
        : e,
    );
    const report = evaluate("certified-trainer-gitlab-basics", evidence, trainerHeld("gitlab-basics"));
    expect(find(report, ruleId).status).not.toBe("met");
    expect(find(report, ruleId).notes?.join(" ")).toMatch(/ps-engineer, not an authorised grader/);
    expect(report.status).not.toBe("met");
  });

  it("the end-user certification of the course is required, and an expired or revoked one blocks", () => {
    const evidence = trainerEvidence("gitlab-security-essentials");
    const id = "certified-trainer-gitlab-security-essentials";
    const none = evaluate(id, evidence);
    expect(find(none, "prereq-end-user-certification").status).not.toBe("met");
    expect(find(none, "prereq-end-user-certification").missing).toMatch(/Security Specialist/);
    expect(none.status).not.toBe("met");

    const otherCourse = evaluate(id, evidence, [holds("gitlab-certified-cicd-specialist")]);
    expect(otherCourse.status).not.toBe("met");

    const expired = evaluate(id, evidence, [
      holds("gitlab-certified-security-specialist", { from: "2025-01-10", until: "2026-06-01" }),
    ]);
    expect(find(expired, "prereq-end-user-certification").status).not.toBe("met");

    expect(find(expired, "prereq-end-user-certification").missing).toMatch(/expired/);

    const revoked = evaluate(id, evidence, [holds("gitlab-certified-security-specialist", { status: "revoked" })]);
    expect(find(revoked, "prereq-end-user-certification").status).not.toBe("met");
    expect(find(revoked, "prereq-end-user-certification").missing).toMatch(/revoked/);
    expect(revoked.status).not.toBe("met");
  });

  it("evidence recorded for another course does not count", () => {
    const report = evaluate("certified-trainer-gitlab-cicd", trainerEvidence("gitlab-basics"), [
      holds("gitlab-certified-cicd-specialist"),
    ]);
    for (const id of ["resources-reviewed", "shadowed-certified-trainer", "dry-run", "observed-subset-delivery"]) {
      expect(find(report, id).status, id).not.toBe("met");
    }
    expect(report.status).not.toBe("met");
  });
});

// ---- 3. field product certification per role (seed 002) ---------------------------------------------

describe("field product certification: learning path, then 80 % within six months, retake rule", () => {
  it.each(FIELD_ROLES)("field-product-certification-%s: the full path is met", (role) => {
    const report = evaluate(`field-product-certification-${role}`, [
      completed("learning-path", `field-product-${role}-learning-path`, "2026-02-02"),
      scored(`field-product-${role}-assessment`, 84, "2026-02-20"),
    ]);
    expect(report.status).toBe("met");
  });

  const id = "field-product-certification-sales";
  const learningPath = (date: string) => completed("learning-path", "field-product-sales-learning-path", date);
  const attempt = (score: number, date: string) => scored("field-product-sales-assessment", score, date);

  it("79.9 % fails and 80 % passes", () => {
    const failing = evaluate(id, [learningPath("2026-02-02"), attempt(79.9, "2026-02-20")]);
    expect(failing.status).toBe("not-met");
    expect(find(failing, "knowledge-assessment").missing).toMatch(/80/);

    const passing = evaluate(id, [learningPath("2026-02-02"), attempt(80, "2026-02-20")]);
    expect(passing.status).toBe("met");
  });

  it("an assessment taken before completing the learning path does not count", () => {
    const report = evaluate(id, [attempt(92, "2026-01-20"), learningPath("2026-02-02")]);
    expect(find(report, "knowledge-assessment").status).not.toBe("met");
    expect(report.status).not.toBe("met");
  });

  it("a retake without completing the learning path after the failure does not count; with it, it does", () => {
    const failedThenRetaken = [learningPath("2026-02-02"), attempt(72, "2026-03-02"), attempt(88, "2026-03-05")];
    const report = evaluate(id, failedThenRetaken);
    expect(find(report, "knowledge-assessment").status).not.toBe("met");
    expect(find(report, "knowledge-assessment").missing).toMatch(/retake allowed after completing .*learning path/i);
    expect(find(report, "knowledge-assessment").notes?.join("\n")).toMatch(/retake without completing/);
    expect(report.status).not.toBe("met");

    const relearned = evaluate(id, [...failedThenRetaken, learningPath("2026-03-10"), attempt(85, "2026-03-12")]);
    expect(relearned.status).toBe("met");

    const relearnedBetween = evaluate(id, [
      learningPath("2026-02-02"),
      attempt(72, "2026-03-02"),
      learningPath("2026-03-04"),
      attempt(88, "2026-03-05"),
    ]);
    expect(relearnedBetween.status).toBe("met");
  });

  it("assessment evidence older than six months does not count (recertification)", () => {
    const stale = evaluate(id, [learningPath("2025-06-02"), attempt(95, "2025-07-01")]);
    expect(find(stale, "knowledge-assessment").status).toBe("not-met");
    expect(find(stale, "knowledge-assessment").missing).toMatch(/6 months|six months/);
    expect(stale.status).toBe("not-met");
  });

  it("recertifying needs only a recent pass, not the learning path again", () => {
    const report = evaluate(id, [learningPath("2025-06-02"), attempt(95, "2025-07-01"), attempt(83, "2026-01-12")]);
    expect(report.status).toBe("met");
  });

  it("a failed recertification attempt needs the learning path again before the retake", () => {
    const base = [learningPath("2025-06-02"), attempt(95, "2025-07-01"), attempt(70, "2026-01-12")];
    expect(evaluate(id, [...base, attempt(90, "2026-01-20")]).status).not.toBe("met");
    expect(evaluate(id, [...base, learningPath("2026-01-16"), attempt(90, "2026-01-20")]).status).toBe("met");
  });

  it("the other role's learning path and assessment do not count", () => {
    const report = evaluate(id, [
      completed("learning-path", "field-product-sa-csm-learning-path", "2026-02-02"),
      scored("field-product-sa-csm-assessment", 90, "2026-02-20"),
    ]);
    expect(report.status).not.toBe("met");
  });
});

// ---- 4. field accreditation per role (seed 003) ------------------------------------------------------

describe("field accreditation: written exam, then practical, and every course", () => {
  it.each(ACCREDITATION_ROLES)("field-accreditation-%s: the full path is met", (role) => {
    expect(evaluate(`field-accreditation-${role}`, accreditationEvidence(role)).status).toBe("met");
  });

  const id = "field-accreditation-solution-architect";

  it("a practical taken before the written pass does not count", () => {
    const report = evaluate(id, [
      scored("field-accreditation-solution-architect-written", 75, "2026-01-10"),
      scored("field-accreditation-solution-architect-practical", 90, "2026-01-20"),
      scored("field-accreditation-solution-architect-written", 82, "2026-02-01"),
      ...USE_CASE_PATHS.map((path) => completed("learning-path", path, "2026-03-01")),
    ]);
    expect(find(report, "written-exam").status).toBe("met");
    expect(find(report, "practical-assessment").status).not.toBe("met");
    expect(report.status).not.toBe("met");
  });

  it("79.9 % on the written exam fails and 80 % passes", () => {
    const evidence = accreditationEvidence("solution-architect").filter(
      (e) => !(e.kind === "assessment" && e.item.endsWith("-written")),
    );
    const at799 = evaluate(id, [
      scored("field-accreditation-solution-architect-written", 79.9, "2026-02-01"),
      ...evidence,
    ]);
    expect(find(at799, "written-exam").status).toBe("not-met");
    expect(at799.status).not.toBe("met");
    const at80 = evaluate(id, [
      scored("field-accreditation-solution-architect-written", 80, "2026-02-01"),
      ...evidence,
    ]);
    expect(at80.status).toBe("met");
  });

  it("the practical has a passing score too: 95 passes, 79.9 fails (seed: a passing score on each exam)", () => {
    const others = accreditationEvidence("solution-architect").filter(
      (e) => !(e.kind === "assessment" && e.item.endsWith("-practical")),
    );
    const practical = (score: number) =>
      scored("field-accreditation-solution-architect-practical", score, "2026-02-16");
    expect(evaluate(id, [...others, practical(95)]).status).toBe("met");
    const failing = evaluate(id, [...others, practical(79.9)]);
    expect(find(failing, "practical-assessment").status).toBe("not-met");
    expect(find(failing, "practical-assessment").missing).toMatch(/needs 80 %, best is 79\.9 %/);
    expect(failing.status).not.toBe("met");
  });

  it("the badge needs every course of the accreditation; the missing one is named", () => {
    const report = evaluate(id, accreditationEvidence("solution-architect", USE_CASE_PATHS.slice(0, 3)));
    expect(find(report, "courses").status).toBe("not-met");
    expect(find(report, "course-agile-management").status).toBe("not-met");
    expect(find(report, "courses").missing).toMatch(/Agile Management/);
    expect(report.status).toBe("not-met");
  });

  it("another role's exams do not count", () => {
    const report = evaluate(id, accreditationEvidence("account-executive"));
    expect(find(report, "written-exam").status).toBe("not-met");
    expect(find(report, "courses").status).toBe("met");
  });
});

// ---- 5. migration services engineer (seed 004) -------------------------------------------------------

describe("migration services engineer", () => {
  const id = "gitlab-certified-migration-services-engineer";

  it("the full path is met", () => {
    expect(evaluate(id, migrationEvidence()).status).toBe("met");
  });

  it("79.9 % on the migration assessment fails and 80 % passes", () => {
    const others = migrationEvidence().filter((e) => e.kind !== "assessment");
    const failing = evaluate(id, [...others, scored("migration-assessment", 79.9, "2026-01-19")]);
    expect(find(failing, "migration-assessment").status).toBe("not-met");
    expect(find(failing, "migration-assessment").missing).toMatch(/80/);
    expect(evaluate(id, [...others, scored("migration-assessment", 80, "2026-01-19")]).status).toBe("met");
  });

  it("leading a migration counts only after shadowing one", () => {
    const report = evaluate(id, [
      completed("review", "migration-services-resources", "2026-01-05"),
      scored("migration-assessment", 90, "2026-01-19"),
      completed("workshop", "congregate-onboarding", "2026-02-02"),
      observed("delivery", "customer-migration", "2026-02-20", MIGRATION_ENGINEER),
      observed("shadowing", "customer-migration", "2026-03-03", MIGRATION_ENGINEER),
    ]);
    expect(find(report, "shadowed-migration").status).toBe("met");
    expect(find(report, "led-migration").status).not.toBe("met");
    expect(report.status).not.toBe("met");
  });

  it.each([
    ["no grader role (any key)", undefined],
    ["a PS engineer of the labs", "ps-engineer"],
  ])("shadowing and leading recorded by %s do not count", (_label, role) => {
    const others = migrationEvidence().filter((e) => !(e.kind === "completion" && e.graderRole !== undefined));
    const report = evaluate(id, [
      ...others,
      completed("shadowing", "customer-migration", "2026-03-03", undefined, role),
      completed("delivery", "customer-migration", "2026-04-14", undefined, role),
    ]);
    expect(find(report, "shadowed-migration").status).toBe("not-met");
    expect(find(report, "shadowed-migration").missing).toMatch(/recorded by a pse-migration-engineer/);
    expect(find(report, "shadowed-migration").notes?.join(" ")).toMatch(/not an authorised grader/);
    expect(find(report, "led-migration").status).not.toBe("met");
    expect(report.status).not.toBe("met");
  });

  it("names each missing task", () => {
    const report = evaluate(
      id,
      migrationEvidence().filter((e) => !(e.kind === "completion" && e.completion === "workshop")),
    );
    expect(find(report, "congregate-onboarding-workshop").status).toBe("not-met");
    expect(report.missing).toMatch(/[Cc]ongregate-onboarding workshop/);
  });
});
