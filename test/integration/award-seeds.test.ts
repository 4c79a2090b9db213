import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { adminGet, adminPost } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

/**
 * Issue 11, "What a first real use found", points 7 to 12: awards must follow the seeds. Each describe block is
 * one point, through the real app (evidence in over the API, awards and progress out).
 */

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-06-15T12:00:00Z") });
});
afterEach(() => t.close());

const person = { email: "kim@example.org", name: "Kim Park" };
let seq = 0;
type Award = { achievementId: string; outcome: string; credentialId?: string };
type Report = { id: string; status: string; missing?: string; notes?: string[]; children?: Report[] };

/** A key that may write evidence, grading as `graderRole` when given. */
async function graderKey(graderRole?: string): Promise<string> {
  const name = graderRole ?? "lms";
  return (
    await createApiKey(t.ctx, {
      name,
      scopes: ["evidence:write"],
      actor: "test",
      ...(graderRole ? { graderRole } : {}),
    })
  ).token;
}

/** Records one evidence record (201/200 expected) and returns what it awarded. */
async function record(fields: Record<string, unknown>, token?: string): Promise<Award[]> {
  const body = { externalId: `seed-${++seq}`, person, ...fields };
  const res = await adminPost(t, "/admin/evidence", body, token);
  expect([200, 201], await res.clone().text()).toContain(res.status);
  return ((await res.json()) as { awarded: Award[] }).awarded;
}

const at = (date: string) => `${date}T12:00:00Z`;
const assessment = (assessment: string, date: string, result: Record<string, unknown>) => ({
  kind: "assessment",
  assessment,
  occurredAt: at(date),
  ...result,
});
const completion = (completion: string, item: string, date: string, more: Record<string, unknown> = {}) => ({
  kind: "completion",
  completion,
  item,
  occurredAt: at(date),
  ...more,
});

/** The report tree of one certification in the person's progress. */
async function progressOf(certification: string): Promise<{ status: string; report: Report }> {
  const res = await adminGet(t, `/admin/people/${person.email}/progress`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    certifications: Array<{ certification: string; status: string; report: Report }>;
  };
  const found = body.certifications.find((c) => c.certification === certification);
  if (!found) {
    throw new Error(`no progress for ${certification}`);
  }
  return found;
}

function node(report: Report, id: string): Report {
  if (report.id === id) {
    return report;
  }
  for (const child of report.children ?? []) {
    try {
      return node(child, id);
    } catch {}
  }
  throw new Error(`no rule ${id} under ${report.id}`);
}

describe("10. Migration Services Engineer: shadowing and leading need a PSE Migration Engineer's key", () => {
  const MIGRATION = "gitlab-certified-migration-services-engineer";

  async function recordTheRest(): Promise<void> {
    await record(completion("review", "migration-services-resources", "2026-01-05"));
    await record(assessment("migration-assessment", "2026-01-19", { score: 90 }));
    await record(completion("workshop", "congregate-onboarding", "2026-02-02"));
  }

  it("a shadowing or a led migration from a key that is not a PSE Migration Engineer's is refused (403)", async () => {
    await recordTheRest();
    for (const [key, role] of [
      [await graderKey(), "no role"],
      [await graderKey("ps-engineer"), "ps-engineer"],
    ] as const) {
      for (const [kind, date] of [
        ["shadowing", "2026-03-03"],
        ["delivery", "2026-04-14"],
      ] as const) {
        const res = await adminPost(
          t,
          "/admin/evidence",
          { externalId: `${kind}-${role}`, person, ...completion(kind, "customer-migration", date) },
          key,
        );
        expect(res.status).toBe(403);
        expect(((await res.json()) as { detail: string }).detail).toBe(
          `graderRole: recording ${kind} of customer-migration needs the key of a pse-migration-engineer; this key grades as ${role}`,
        );
      }
    }
    expect(await evidenceCount()).toBe(3);
    const { status, report } = await progressOf(MIGRATION);
    expect(status).toBe("in-progress");
    expect(node(report, "shadowed-migration").missing).toMatch(/pse-migration-engineer/);
  });

  it("recorded by the observing PSE Migration Engineer's key, they award the certification", async () => {
    await recordTheRest();
    const observer = await graderKey("pse-migration-engineer");
    expect(await record(completion("shadowing", "customer-migration", "2026-03-03"), observer)).toEqual([]);
    const awarded = await record(completion("delivery", "customer-migration", "2026-04-14"), observer);
    expect(awarded.map((a) => a.achievementId)).toEqual([MIGRATION]);
  });

  it("a key without the role cannot claim it in the body", async () => {
    const res = await adminPost(
      t,
      "/admin/evidence",
      {
        externalId: "claim",
        person,
        ...completion("shadowing", "customer-migration", "2026-03-03", { graderRole: "pse-migration-engineer" }),
      },
      await graderKey(),
    );
    expect(res.status).toBe(403);
  });
});

describe("7. Certified Trainer: ratings are judged on complete deliveries; observation forms need a certified trainer", () => {
  const TRAINER = "certified-trainer-gitlab-basics";
  const survey = (ratings: number[], delivery: string, date = "2026-05-20") => ({
    kind: "rating",
    form: "gitlab-basics-training-survey",
    scale: 5,
    ratings,
    delivery,
    occurredAt: at(date),
  });
  const observationForm = (ratings: number[], date = "2026-04-10") => ({
    kind: "rating",
    form: "gitlab-basics-candidate-observation-form",
    scale: 5,
    ratings,
    delivery: "globex-2026-04-subset",
    occurredAt: at(date),
  });
  const closure = (delivery: string, date = "2026-05-22", form = "gitlab-basics-training-survey") => ({
    kind: "closure",
    form,
    delivery,
    occurredAt: at(date),
  });

  /** Everything but the Training Survey: the tasks, the end-user certification, the observed subset delivery. */
  async function everythingButTheSurvey(trainer: string): Promise<void> {
    const issued = await adminPost(t, "/admin/credentials", {
      achievementId: "gitlab-certified-associate",
      recipient: person,
    });
    expect(issued.status).toBe(201);
    await record(completion("review", "gitlab-basics-trainer-resources", "2026-03-02"));
    await record(completion("shadowing", "gitlab-basics-delivery", "2026-03-10"), trainer);
    await record(completion("delivery", "gitlab-basics-dry-run", "2026-03-20", { mode: "live" }));
    expect(await record(observationForm([4, 5, 4, 4]), trainer)).toEqual([]);
  }

  it("one survey of an open delivery awards nothing; the closed delivery's average of 3.67 fails", async () => {
    const trainer = await graderKey("certified-trainer");
    await everythingButTheSurvey(trainer);
    expect(await record(survey([5, 4, 3], "acme-2026-10"))).toEqual([]);
    let surveyReport = node((await progressOf(TRAINER)).report, "training-survey");
    expect(surveyReport.status).toBe("not-met");
    expect(surveyReport.missing).toMatch(
      /waiting for delivery acme-2026-10 of gitlab-basics-training-survey to be complete \(1 form, not closed yet\)/,
    );

    expect(await record(survey([3, 4, 3], "acme-2026-10"))).toEqual([]);
    expect(await record(closure("acme-2026-10"), trainer)).toEqual([]);
    surveyReport = node((await progressOf(TRAINER)).report, "training-survey");
    expect(surveyReport.status).toBe("not-met");
    expect(surveyReport.missing).toMatch(/best average is 3\.67 over 2 forms/);
    expect((await progressOf(TRAINER)).status).toBe("in-progress");
  });

  it("a closed delivery averaging at least 4 awards the certification", async () => {
    const trainer = await graderKey("certified-trainer");
    await everythingButTheSurvey(trainer);
    expect(await record(survey([5, 4, 4], "acme-2026-10"))).toEqual([]);
    expect(await record(survey([4, 5, 3], "acme-2026-10"))).toEqual([]);
    const awarded = await record(closure("acme-2026-10"), trainer);
    expect(awarded.map((a) => a.achievementId)).toEqual([TRAINER]);
  });

  it("only a certified trainer's key may close the delivery (403); it stays open", async () => {
    const trainer = await graderKey("certified-trainer");
    await everythingButTheSurvey(trainer);
    await record(survey([5, 5, 5], "acme-2026-10"));
    for (const key of [await graderKey(), await graderKey("ps-engineer")]) {
      const res = await adminPost(
        t,
        "/admin/evidence",
        { externalId: `close-${key}`, person, ...closure("acme-2026-10") },
        key,
      );
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(
        /closing delivery acme-2026-10 of gitlab-basics-training-survey needs the key of a certified-trainer/,
      );
    }
    const surveyReport = node((await progressOf(TRAINER)).report, "training-survey");
    expect(surveyReport.missing).toMatch(
      /waiting for delivery acme-2026-10 of gitlab-basics-training-survey to be complete \(1 form, not closed yet\)/,
    );
  });

  it("a Candidate Observation Form or a shadowing from a key that is not a certified trainer's is refused (403)", async () => {
    for (const key of [await graderKey(), await graderKey("ps-engineer")]) {
      const form = await post(observationForm([5, 5, 5, 5]), key);
      expect(form.status).toBe(403);
      expect(form.body.detail).toMatch(
        /^graderRole: recording gitlab-basics-candidate-observation-form needs the key of a certified-trainer; this key grades as /,
      );
      const shadowing = await post(completion("shadowing", "gitlab-basics-delivery", "2026-03-10"), key);
      expect(shadowing.status).toBe(403);
    }
    expect(await evidenceCount()).toBe(0);
    // what any key may record is still accepted from any key
    expect(
      (await post(completion("review", "gitlab-basics-trainer-resources", "2026-03-02"), await graderKey())).status,
    ).toBe(201);
  });

  it("a closed delivery takes no more forms (409), and a closure needs forms of that delivery (422)", async () => {
    const trainer = await graderKey("certified-trainer");
    const early = await adminPost(
      t,
      "/admin/evidence",
      { externalId: "early-close", person, ...closure("acme-2026-10") },
      trainer,
    );
    expect(early.status).toBe(422);
    expect(await early.text()).toContain("acme-2026-10");
    await record(survey([5, 5, 5], "acme-2026-10"));
    await record(closure("acme-2026-10"), trainer);
    const late = await adminPost(t, "/admin/evidence", { externalId: "late", person, ...survey([1], "acme-2026-10") });
    expect(late.status).toBe(409);
    expect(await late.text()).toMatch(/delivery acme-2026-10 of gitlab-basics-training-survey was closed/);
  });

  /** Posts one record with a fresh externalId: its status and body. */
  async function post(fields: Record<string, unknown>, token?: string) {
    const res = await adminPost(t, "/admin/evidence", { externalId: `post-${++seq}`, person, ...fields }, token);
    return { status: res.status, body: (await res.json()) as { evidence?: { id: string }; detail?: string } };
  }

  it("a correction cannot move a form into a closed delivery (409, as any new form); it may correct one of its own", async () => {
    const trainer = await graderKey("certified-trainer");
    await everythingButTheSurvey(trainer);
    const own = await post(survey([3, 3, 3], "acme-2026-05"));
    await record(survey([3, 4, 3], "acme-2026-05"));
    await record(closure("acme-2026-05"), trainer);
    expect((await progressOf(TRAINER)).status).toBe("in-progress"); // 3.17

    // a form recorded for another delivery, then "corrected" into the closed one
    const other = await post(survey([1], "scratch-delivery"));
    const moved = await post({ ...survey(Array(10).fill(5), "acme-2026-05"), supersedes: other.body.evidence?.id });
    expect(moved.status).toBe(409);
    expect(moved.body.detail).toMatch(/delivery acme-2026-05 of gitlab-basics-training-survey was closed/);
    expect((await progressOf(TRAINER)).status).toBe("in-progress");
    // a correction of one of the closed delivery's own forms is accepted
    const corrected = await post({ ...survey([3, 3, 4], "acme-2026-05"), supersedes: own.body.evidence?.id });
    expect(corrected.status).toBe(201);
  });

  it("a closure closes one form's delivery: another course's delivery with the same id stays open", async () => {
    const trainer = await graderKey("certified-trainer");
    await everythingButTheSurvey(trainer);
    await record(survey([5, 5, 5], "acme-2026-05"));
    await record(closure("acme-2026-05"), trainer);
    // The same customer's CI/CD course the same month, recorded by the LMS under the same delivery id.
    const cicd = { ...survey([4, 4, 4], "acme-2026-05", "2026-05-23"), form: "gitlab-cicd-training-survey" };
    expect((await post(cicd)).status).toBe(201);
    // closing it is the CI/CD delivery's own closure; closing the Basics one again is a 409
    expect((await post(closure("acme-2026-05", "2026-05-24", "gitlab-cicd-training-survey"), trainer)).status).toBe(
      201,
    );
    const again = await post(closure("acme-2026-05", "2026-05-24"), trainer);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/delivery acme-2026-05 of gitlab-basics-training-survey was already closed/);
  });

  it("a closure names a form that is judged per closed delivery (400 without, 422 for another)", async () => {
    const trainer = await graderKey("certified-trainer");
    await record(observationForm([5]), trainer);
    const { form: _form, ...unnamed } = closure("globex-2026-04-subset");
    expect((await post(unnamed, trainer)).status).toBe(400);
    const observed = await post(
      closure("globex-2026-04-subset", "2026-05-22", "gitlab-basics-candidate-observation-form"),
      trainer,
    );
    expect(observed.status).toBe(422);
    expect(observed.body.detail).toMatch(/complete with 1 form, never closed/);
    const unknown = await post(closure("acme-2026-05", "2026-05-22", "gitlab-basics-trainig-survey"), trainer);
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/nearest known: gitlab-basics-training-survey/);
  });

  it("a delivery is judged whole: one with forms before the observed subset delivery does not count at all", async () => {
    const trainer = await graderKey("certified-trainer");
    await everythingButTheSurvey(trainer); // the observed subset delivery: 2026-04-10
    // one delivery surveyed over two days around it: its forms average 2.9, the last one alone 5
    await record(survey([1, 1, 1], "acme-2026-04", "2026-04-09"));
    await record(survey([1, 2, 1], "acme-2026-04", "2026-04-09"));
    await record(survey([5, 5, 5], "acme-2026-04", "2026-04-11"));
    expect(await record(closure("acme-2026-04", "2026-04-12"), trainer)).toEqual([]);
    const surveyReport = node((await progressOf(TRAINER)).report, "training-survey");
    expect(surveyReport.status).toBe("not-met");
    expect(surveyReport.notes?.join(" ")).toMatch(
      /delivery acme-2026-04 of gitlab-basics-training-survey does not count: its forms on 2026-04-09 were taken before/,
    );
  });
});

type Problem = { status: number; code: string; detail: string; errors?: Array<{ path: string; message: string }> };
async function refused(fields: Record<string, unknown>, token?: string): Promise<Problem> {
  const res = await adminPost(t, "/admin/evidence", { externalId: `refused-${++seq}`, person, ...fields }, token);
  expect(res.headers.get("content-type")).toMatch(/problem\+json/);
  return (await res.json()) as Problem;
}
const evidenceCount = async () =>
  ((await (await adminGet(t, `/admin/evidence?email=${person.email}`)).json()) as { items: unknown[] }).items.length;

describe("8. Field accreditation: a passing score on each exam; scores and pass/fail where the catalog says", () => {
  const ACCREDITATION = "field-accreditation-solution-architect";
  const paths = [
    "continuous-integration-customer-use-case",
    "devsecops-customer-use-case",
    "devops-platform-customer-use-case",
    "agile-management",
  ];

  it("a practical scored 95 counts as passed and awards the accreditation", async () => {
    await record(assessment(`${ACCREDITATION}-written`, "2026-02-02", { score: 88 }));
    for (const [i, path] of paths.entries()) {
      await record(completion("learning-path", path, `2026-03-0${i + 1}`));
    }
    const awarded = await record(assessment(`${ACCREDITATION}-practical`, "2026-03-16", { score: 95 }));
    expect(awarded.map((a) => a.achievementId)).toEqual([ACCREDITATION]);
  });

  it("a practical scored under the pass mark does not pass, and says so", async () => {
    await record(assessment(`${ACCREDITATION}-written`, "2026-02-02", { score: 88 }));
    await record(assessment(`${ACCREDITATION}-practical`, "2026-03-16", { score: 62 }));
    const practical = node((await progressOf(ACCREDITATION)).report, "practical-assessment");
    expect(practical.missing).toMatch(/needs 80 %, best is 62 %/);
  });

  it("a pass/fail grade for the scored practical is refused (422), naming the field and the item", async () => {
    const problem = await refused(assessment(`${ACCREDITATION}-practical`, "2026-03-16", { passed: true }));
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([
      { path: "passed", message: expect.stringContaining(`"${ACCREDITATION}-practical" is scored (pass mark 80 %)`) },
    ]);
    expect(await evidenceCount()).toBe(0);
  });

  it("a score for the pass/fail lab is refused (422), naming the field and the item", async () => {
    const problem = await refused(
      assessment("gitlab-associate-lab", "2026-03-16", { score: 90, graderRole: "ps-engineer" }),
    );
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.path).toBe("score");
    expect(problem.errors?.[0]?.message).toMatch(/"gitlab-associate-lab" is graded pass\/fail: give `passed`/);
    expect(await evidenceCount()).toBe(0);
  });
});

describe("9. Ids that no certification uses are refused, unless marked uncatalogued", () => {
  it("an unknown assessment id is a 422 naming it and the nearest known ids; nothing is stored", async () => {
    const problem = await refused(assessment("gitlab-asociate-written", "2026-03-02", { score: 86 }));
    expect(problem.status).toBe(422);
    expect(problem.code).toBe("UNPROCESSABLE");
    expect(problem.errors?.[0]?.path).toBe("assessment");
    expect(problem.detail).toContain('"gitlab-asociate-written"');
    expect(problem.detail).toMatch(/nearest known: gitlab-associate-written\b/);
    expect(await evidenceCount()).toBe(0);
  });

  it.each([
    ["completion item", completion("learning-path", "agile-managment", "2026-03-02"), "item", "agile-management"],
    [
      "rated form",
      {
        kind: "rating",
        form: "gitlab-basic-training-survey",
        scale: 5,
        ratings: [5],
        delivery: "d",
        occurredAt: at("2026-03-02"),
      },
      "form",
      "gitlab-basics-training-survey",
    ],
  ])("an unknown %s is refused the same way", async (_label, fields, path, nearest) => {
    const problem = await refused(fields);
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.path).toBe(path);
    expect(problem.detail).toContain(`nearest known: ${nearest}`);
  });

  it("a known item recorded as another kind of completion is refused, naming the kinds that count", async () => {
    const problem = await refused(completion("course", "customer-migration", "2026-03-02"));
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]).toEqual({
      path: "completion",
      message: expect.stringContaining('"customer-migration" is completed as shadowing or delivery'),
    });
  });

  it("a rating on another scale than the form's is refused", async () => {
    const problem = await refused({
      kind: "rating",
      form: "gitlab-basics-training-survey",
      scale: 10,
      ratings: [9],
      delivery: "d",
      occurredAt: at("2026-03-02"),
    });
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.path).toBe("scale");
  });

  it("a survey without the delivery it rates is refused: its delivery could never be closed", async () => {
    const problem = await refused({
      kind: "rating",
      form: "gitlab-basics-training-survey",
      scale: 5,
      ratings: [5],
      occurredAt: at("2026-03-02"),
    });
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.path).toBe("delivery");
  });

  it("a record marked uncatalogued is kept (and counts for nothing); a catalogued id cannot be marked so", async () => {
    const res = await adminPost(t, "/admin/evidence", {
      externalId: "legacy-1",
      person,
      uncatalogued: true,
      ...assessment("legacy-git-quiz", "2026-03-02", { score: 70 }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { evidence: { data: Record<string, unknown> } }).evidence.data.uncatalogued).toBe(
      true,
    );
    const problem = await refused({
      uncatalogued: true,
      ...assessment("gitlab-associate-written", "2026-03-02", { score: 86 }),
    });
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.path).toBe("uncatalogued");
  });

  it("a batch rejects such a record with the same message and records the others", async () => {
    const res = await adminPost(t, "/admin/evidence/batch", {
      records: [
        { externalId: "b-1", person, ...assessment("gitlab-associate-written", "2026-03-02", { score: 86 }) },
        { externalId: "b-2", person, ...assessment("gitlab-asociate-written", "2026-03-02", { score: 86 }) },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      recorded: number;
      rejected: number;
      results: Array<{ status: string; errors?: Array<{ path: string; message: string }> }>;
    };
    expect([body.recorded, body.rejected]).toEqual([1, 1]);
    expect(body.results[1]?.errors?.[0]?.path).toBe("assessment");
    expect(body.results[1]?.errors?.[0]?.message).toMatch(
      /no certification uses .*nearest known: gitlab-associate-written/,
    );
  });
});

describe("11. The Associate is a prerequisite: Specialist exams count only once it was earned", () => {
  const lab = (item: string, date: string) => assessment(item, date, { passed: true, graderRole: "ps-engineer" });
  const ids = (awarded: Award[]) => awarded.map((a) => a.achievementId);

  async function earnAssociate(written: string, labDate: string): Promise<void> {
    await record(assessment("gitlab-associate-written", written, { score: 86 }));
    expect(ids(await record(lab("gitlab-associate-lab", labDate)))).toEqual(["gitlab-certified-associate"]);
  }

  it("a Specialist written taken before the Associate was earned does not count; one taken after does", async () => {
    await record(assessment("gitlab-cicd-specialist-written", "2026-03-01", { score: 90 }));
    await earnAssociate("2026-03-02", "2026-03-03");
    expect(await record(lab("gitlab-cicd-specialist-lab", "2026-03-04"))).toEqual([]);
    const written = node((await progressOf("gitlab-certified-cicd-specialist")).report, "written");
    expect(written.status).toBe("not-met");
    expect(written.notes?.join(" ")).toMatch(
      /attempt on 2026-03-01 does not count: taken before GitLab Certified Associate was earned/,
    );

    await record(assessment("gitlab-cicd-specialist-written", "2026-03-05", { score: 90 }));
    expect(ids(await record(lab("gitlab-cicd-specialist-lab", "2026-03-06")))).toEqual([
      "gitlab-certified-cicd-specialist",
    ]);
  });

  it("the Professional's exams count only once the last of its three Specialists was earned", async () => {
    await earnAssociate("2026-02-01", "2026-02-02");
    const earnSpecialist = async (specialist: string, written: string, labDate: string) => {
      await record(assessment(`gitlab-${specialist}-written`, written, { score: 88 }));
      expect(ids(await record(lab(`gitlab-${specialist}-lab`, labDate)))).toEqual([`gitlab-certified-${specialist}`]);
    };
    await earnSpecialist("cicd-specialist", "2026-02-10", "2026-02-11");
    await earnSpecialist("project-management-specialist", "2026-02-12", "2026-02-13");
    // Taken while the Security Specialist was not yet earned.
    await record(assessment("gitlab-devops-professional-written", "2026-02-25", { score: 95 }));
    await earnSpecialist("security-specialist", "2026-02-26", "2026-02-27");
    expect(await record(lab("gitlab-devops-professional-lab", "2026-03-02"))).toEqual([]);
    const professional = (await progressOf("gitlab-certified-devops-professional")).report;
    expect(node(professional, "prerequisites").status).toBe("met");
    expect(node(professional, "written").notes?.join(" ")).toMatch(
      /taken before CI\/CD, Project Management and Security/,
    );

    await record(assessment("gitlab-devops-professional-written", "2026-03-03", { score: 95 }));
    expect(ids(await record(lab("gitlab-devops-professional-lab", "2026-03-04")))).toEqual([
      "gitlab-certified-devops-professional",
    ]);
  });

  it("an Associate issued by hand counts from its issue", async () => {
    await record(assessment("gitlab-security-specialist-written", "2026-06-01", { score: 90 }));
    const issued = await adminPost(t, "/admin/credentials", {
      achievementId: "gitlab-certified-associate",
      recipient: person,
    });
    expect(issued.status).toBe(201);
    t.clock.advance(10 * 60_000);
    const labAt = (time: string) => ({ ...lab("gitlab-security-specialist-lab", "2026-06-15"), occurredAt: time });
    expect(await record(labAt("2026-06-15T12:04:00Z"))).toEqual([]);
    await record({
      ...assessment("gitlab-security-specialist-written", "2026-06-15", { score: 90 }),
      occurredAt: "2026-06-15T12:05:00Z",
    });
    expect(ids(await record(labAt("2026-06-15T12:06:00Z")))).toEqual(["gitlab-certified-security-specialist"]);
  });
});

describe("12. After a revocation or when due for renewal, progress shows the attempts a credential used", () => {
  it("a revoked Associate: its attempts are shown as used by it, not 'no attempt yet'", async () => {
    await record(assessment("gitlab-associate-written", "2026-03-02", { score: 86 }));
    const [awarded] = await record(
      assessment("gitlab-associate-lab", "2026-03-03", { passed: true, graderRole: "ps-engineer" }),
    );
    const id = awarded?.credentialId as string;
    expect((await adminPost(t, `/admin/credentials/${id}/revoke`, { reason: "Exam irregularity" })).status).toBe(200);

    const { status, report } = await progressOf("gitlab-certified-associate");
    expect(status).toBe("in-progress");
    const written = node(report, "written");
    expect(written.missing).not.toMatch(/no attempt yet/);
    expect(written.missing).toBe(
      `needs 80 %, no attempt since 2026-06-15: 1 earlier attempt used by credential ${id} (revoked)`,
    );
    expect(written.notes).toContain(`attempt on 2026-03-02 was used by credential ${id} (revoked)`);
    expect(node(report, "lab").notes?.join(" ")).toContain(
      `attempt on 2026-03-03 was used by credential ${id} (revoked)`,
    );
  });

  it("a field product certification due for renewal: its assessment is shown as used by the credential", async () => {
    t.clock.set(new Date("2026-10-15T13:00:00Z"));
    await record(completion("learning-path", "field-product-sales-learning-path", "2026-09-20"));
    const [awarded] = await record(assessment("field-product-sales-assessment", "2026-10-15", { score: 85 }));
    const id = awarded?.credentialId as string;
    expect(id).toBeDefined();
    // Inside the fiscal Q1 window (1 February 2027 + 30 days), before any new attempt.
    t.clock.set(new Date("2027-02-05T09:00:00Z"));
    const { status, report } = await progressOf("field-product-certification-sales");
    expect(status).toBe("renewal-due");
    const knowledge = node(report, "knowledge-assessment");
    expect(knowledge.missing).not.toMatch(/no attempt yet/);
    expect(knowledge.missing).toMatch(
      new RegExp(`no attempt since 2027-02-01: 1 earlier attempt used by credential ${id} \\(due for renewal\\)`),
    );
  });

  it("an earlier attempt the credential was not awarded on is shown as predating it", async () => {
    await record(assessment("gitlab-associate-written", "2026-03-01", { score: 60 }));
    await record(assessment("gitlab-associate-written", "2026-03-02", { score: 86 }));
    const [awarded] = await record(
      assessment("gitlab-associate-lab", "2026-03-03", { passed: true, graderRole: "ps-engineer" }),
    );
    const id = awarded?.credentialId as string;
    await adminPost(t, `/admin/credentials/${id}/revoke`, { reason: "Exam irregularity" });
    const written = node((await progressOf("gitlab-certified-associate")).report, "written");
    expect(written.notes).toEqual([
      `attempt on 2026-03-01 does not count: only attempts since 2026-06-15 count after credential ${id} (revoked)`,
      `attempt on 2026-03-02 was used by credential ${id} (revoked)`,
    ]);
    expect(written.missing).toContain("2 earlier attempts, 1 used by credential");
  });
});
