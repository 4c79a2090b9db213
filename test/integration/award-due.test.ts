import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { awardDueEvaluations } from "../../src/services/award-due.js";
import { recordEvidence } from "../../src/services/record-evidence.js";
import { clearEvaluationDue, dueEvaluationMark, markEvaluationDue } from "../../src/storage/evaluations-due-repo.js";
import { adminGet, adminPost, issue } from "../helpers/http.js";
import { makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(() => t.close());

const ASSOCIATE = "gitlab-certified-associate";
let seq = 0;
const written = (email: string) => ({
  kind: "assessment",
  externalId: `w-${++seq}`,
  person: { email, name: "Grace Hopper" },
  occurredAt: "2026-03-02T09:00:00Z",
  assessment: "gitlab-associate-written",
  score: 91,
});
const lab = (email: string) => ({
  kind: "assessment",
  externalId: `l-${++seq}`,
  person: { email, name: "Grace Hopper" },
  occurredAt: "2026-03-05T09:00:00Z",
  assessment: "gitlab-associate-lab",
  passed: true,
  graderRole: "ps-engineer",
});

/** Replaces the Data Integrity signer: `sign` decides, per call, whether to sign, fail or wait. */
function interceptSigning(sign: (real: () => Promise<Uint8Array>) => Promise<Uint8Array>): void {
  const active = t.ctx.keys.current().keyring.active;
  t.ctx.keys.current().keyring.active = {
    ...active,
    signer: {
      ...active.signer,
      id: active.signer.id,
      algorithm: active.signer.algorithm,
      sign: (input) => sign(() => active.signer.sign(input)),
    },
  };
}

async function associateStatus(email: string): Promise<string | undefined> {
  const res = await adminGet(t, `/admin/people/${email}/progress`);
  const body = (await res.json()) as { certifications: Array<{ certification: string; status: string }> };
  return body.certifications.find((c) => c.certification === ASSOCIATE)?.status;
}

const dueRows = async () => {
  const { evaluationsDue } = t.store.conn().t;
  return t.store
    .conn()
    .select({ email: evaluationsDue.personEmail, mark: evaluationsDue.mark })
    .from(evaluationsDue)
    .orderBy(evaluationsDue.personEmail);
};

describe("evaluations that did not complete", () => {
  it("are completed by the reconciliation: the person whose award failed is awarded once, later", async () => {
    const email = "grace@example.org";
    expect((await adminPost(t, "/admin/evidence", written(email))).status).toBe(201);
    let failing = true;
    interceptSigning((real) => (failing ? Promise.reject(new Error("signing device unavailable")) : real()));
    // The evidence is stored, the award that should follow fails.
    expect((await adminPost(t, "/admin/evidence", lab(email))).status).toBe(500);
    expect(await associateStatus(email)).not.toBe("held");
    expect(await dueRows()).toEqual([{ email, mark: expect.any(String) }]);

    // Still failing: the person stays due, and the failure is logged without the address.
    expect(await awardDueEvaluations(t.ctx)).toMatchObject({ due: 1, evaluated: 0, failed: 1 });
    expect(await dueRows()).toHaveLength(1);
    const failures = t.logLines.filter((l) => l.includes('"message":"due evaluation failed"'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).not.toContain(email);

    failing = false;
    const run = await awardDueEvaluations(t.ctx);
    expect(run).toMatchObject({ due: 1, evaluated: 1, failed: 0 });
    expect(run.awarded).toEqual([{ achievementId: ASSOCIATE, outcome: "issued", credentialId: expect.any(String) }]);
    expect(await associateStatus(email)).toBe("held");
    expect(await dueRows()).toEqual([]);
    expect(await awardDueEvaluations(t.ctx)).toEqual({ due: 0, evaluated: 0, failed: 0, awarded: [] });
  });

  it("evaluates evidence that arrives while an award is being signed before it clears the person", async () => {
    const email = "grace@example.org";
    await adminPost(t, "/admin/evidence", written(email));
    let signing!: () => void;
    const started = new Promise<void>((resolve) => {
      signing = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    interceptSigning(async (real) => {
      signing();
      await gate;
      return real();
    });
    const awarding = adminPost(t, "/admin/evidence", lab(email));
    await started;
    const labMark = (await dueRows())[0]?.mark;
    // The CI/CD Specialist's assessments land while the Associate is being signed (dated after it was earned).
    const by = { actor: "test", graderRole: null, isAdmin: true };
    const cicd = (assessment: string, occurredAt: string, result: object) =>
      recordEvidence(
        t.ctx,
        { kind: "assessment", externalId: assessment, person: { email }, occurredAt, assessment, ...result },
        by,
      );
    await cicd("gitlab-cicd-specialist-written", "2026-03-06T09:00:00Z", { score: 88 });
    await cicd("gitlab-cicd-specialist-lab", "2026-03-07T09:00:00Z", { passed: true, graderRole: "ps-engineer" });
    expect((await dueRows())[0]?.mark).not.toBe(labMark);
    release();
    const res = await awarding;
    expect(res.status).toBe(201);
    // The round after the Associate's saw them: the Specialist is awarded too, and only then is the person cleared.
    const { awarded } = (await res.json()) as { awarded: Array<{ achievementId: string }> };
    expect(awarded.map((a) => a.achievementId)).toEqual([ASSOCIATE, "gitlab-certified-cicd-specialist"]);
    expect(await dueRows()).toEqual([]);
  });

  it("clears a person only with the mark it read: a change stored meanwhile (another process) keeps them due", async () => {
    const email = "grace@example.org";
    const at = t.clock.now();
    const { store } = t;
    await store.tx((tx) => markEvaluationDue(tx, email, { mark: "read-by-the-evaluation", at }));
    const read = await dueEvaluationMark(store.conn(), email);
    await store.tx((tx) => markEvaluationDue(tx, email, { mark: "stored-meanwhile", at }));
    expect(await store.tx((tx) => clearEvaluationDue(tx, email, read?.mark ?? "", at))).toBe(false);
    expect(await dueRows()).toEqual([{ email, mark: "stored-meanwhile" }]);
    expect(await store.tx((tx) => clearEvaluationDue(tx, email, "stored-meanwhile", at))).toBe(true);
  });

  it("leaves alone people marked after the cut-off (a request is still evaluating them)", async () => {
    await recordEvidence(t.ctx, { ...written("late@example.org") } as never, {
      actor: "test",
      graderRole: null,
      isAdmin: true,
    });
    const cutOff = new Date(t.clock.now().getTime() - 1);
    expect(await awardDueEvaluations(t.ctx, { markedBefore: cutOff })).toEqual({
      due: 0,
      evaluated: 0,
      failed: 0,
      awarded: [],
    });
    expect(await awardDueEvaluations(t.ctx)).toMatchObject({ due: 1, evaluated: 1 });
  });
});

describe("a record dated a little ahead of the clock", () => {
  it("keeps its person due until its time has passed, then the sweep awards it", async () => {
    const email = "grace@example.org";
    expect((await adminPost(t, "/admin/evidence", written(email))).status).toBe(201);
    // The grading system's clock runs two minutes ahead of ours: accepted (under the 5 minute tolerance).
    const res = await adminPost(t, "/admin/evidence", { ...lab(email), occurredAt: "2026-03-10T12:02:00Z" });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { awarded: unknown[] }).awarded).toEqual([]);
    // The evaluation could not count the lab yet: the person stays due, and the sweep leaves them alone until then.
    expect(await dueRows()).toEqual([{ email, mark: expect.any(String) }]);
    expect(await awardDueEvaluations(t.ctx)).toMatchObject({ due: 0 });

    t.clock.advance(60 * 60_000);
    const run = await awardDueEvaluations(t.ctx);
    expect(run.awarded.map((a) => a.achievementId)).toEqual([ASSOCIATE]);
    expect(await associateStatus(email)).toBe("held");
    expect(await dueRows()).toEqual([]);
  });
});

describe("changes other than evidence", () => {
  const person = { email: "kim@example.org", name: "Kim Park" };
  const TRAINER = "certified-trainer-gitlab-basics";
  const day = (date: string) => `${date}T12:00:00Z`;
  let n = 0;

  async function record(fields: Record<string, unknown>, token?: string): Promise<void> {
    const res = await adminPost(t, "/admin/evidence", { externalId: `c-${++n}`, person, ...fields }, token);
    expect(res.status, await res.clone().text()).toBe(201);
  }

  async function trainerStatus(): Promise<string | undefined> {
    const res = await adminGet(t, `/admin/people/${person.email}/progress`);
    const body = (await res.json()) as { certifications: Array<{ certification: string; status: string }> };
    return body.certifications.find((c) => c.certification === TRAINER)?.status;
  }

  /** Everything the GitLab Basics trainer needs but the end-user certification (the Associate). */
  async function trainerEvidence(): Promise<void> {
    const { token: trainer } = await createApiKey(t.ctx, {
      name: "trainer",
      scopes: ["evidence:write"],
      actor: "test",
      graderRole: "certified-trainer",
    });
    await record({
      kind: "completion",
      completion: "review",
      item: "gitlab-basics-trainer-resources",
      occurredAt: day("2026-03-02"),
    });
    await record(
      { kind: "completion", completion: "shadowing", item: "gitlab-basics-delivery", occurredAt: day("2026-03-03") },
      trainer,
    );
    await record({
      kind: "completion",
      completion: "delivery",
      item: "gitlab-basics-dry-run",
      mode: "live",
      occurredAt: day("2026-03-04"),
    });
    const rating = { kind: "rating", scale: 5, ratings: [5] };
    const observation = {
      form: "gitlab-basics-candidate-observation-form",
      delivery: "s",
      occurredAt: day("2026-03-05"),
    };
    await record({ ...rating, ...observation }, trainer);
    const survey = { form: "gitlab-basics-training-survey", delivery: "d", occurredAt: day("2026-03-06") };
    await record({ ...rating, ...survey });
    await record({ kind: "closure", ...survey, occurredAt: day("2026-03-07") }, trainer);
    expect(await trainerStatus()).toBe("in-progress");
  }

  it("a prerequisite issued by hand awards what it completes, at once", async () => {
    await trainerEvidence();
    const issued = await adminPost(t, "/admin/credentials", { achievementId: ASSOCIATE, recipient: person });
    expect(issued.status).toBe(201);
    expect(await trainerStatus()).toBe("held");
    expect(await dueRows()).toEqual([]);
  });

  it("a certification met by a prerequisite alone is awarded to a person without evidence, at once", async () => {
    // A catalog where one rule needs no evidence: the evaluation of a person without evidence is not skipped.
    const rule = { type: "prerequisite" as const, id: "holds-associate", certification: ASSOCIATE };
    const entries = t.ctx.catalog.entries.map((e) =>
      e.id === TRAINER ? { ...e, criteria: { ...e.criteria, rule } } : e,
    );
    t.ctx.catalog.entries = entries;
    t.ctx.catalog.get = (id) => entries.find((e) => e.id === id);
    // one alone (issueCredential), then two at once (a group)
    const other = { email: "lee@example.org", name: "Lee Chen" };
    expect((await adminPost(t, "/admin/credentials", { achievementId: ASSOCIATE, recipient: person })).status).toBe(
      201,
    );
    const both = await Promise.all(
      [{ email: "ann@example.org", name: "Ann Wu" }, other].map((recipient) =>
        adminPost(t, "/admin/credentials", { achievementId: ASSOCIATE, recipient }),
      ),
    );
    expect(both.map((res) => res.status)).toEqual([201, 201]);
    for (const email of [person.email, "ann@example.org", other.email]) {
      const list = await adminGet(t, `/admin/credentials?achievementId=${TRAINER}&email=${email}`);
      expect(((await list.json()) as { items: unknown[] }).items, email).toHaveLength(1);
    }
    expect(await dueRows()).toEqual([]);
  });

  it("a person without evidence already marked due is still evaluated when issued to in a group", async () => {
    const at = new Date("2026-03-10T11:00:00Z");
    await t.store.tx((tx) => markEvaluationDue(tx, person.email, { mark: "an-earlier-change", at }));
    const both = await Promise.all(
      [person, { email: "ann@example.org", name: "Ann Wu" }].map((recipient) =>
        adminPost(t, "/admin/credentials", { achievementId: ASSOCIATE, recipient }),
      ),
    );
    expect(both.map((res) => res.status)).toEqual([201, 201]);
    // evaluated and cleared as before; the other, to whom nothing can be awarded, was never marked
    expect(await dueRows()).toEqual([]);
  });

  it("a prerequisite reinstated awards what it completes, at once", async () => {
    makeSuspendable(t, ASSOCIATE);
    const { id } = await issue(t, { recipient: person });
    expect((await adminPost(t, `/admin/credentials/${id}/suspend`, { reason: "audit" })).status).toBe(200);
    await trainerEvidence();
    expect((await adminPost(t, `/admin/credentials/${id}/reinstate`, { reason: "audit passed" })).status).toBe(200);
    expect(await trainerStatus()).toBe("held");
    expect(await dueRows()).toEqual([]);
  });

  it("are marked due with the change: an award that fails after it is made by the sweep", async () => {
    await trainerEvidence();
    let signatures = 0;
    const signer = t.ctx.keys.current().keyring.active;
    // the Associate is signed, the Trainer it completes is not (the signing device fails)
    interceptSigning((real) => (++signatures === 1 ? real() : Promise.reject(new Error("signing device unavailable"))));
    const issued = await adminPost(t, "/admin/credentials", { achievementId: ASSOCIATE, recipient: person });
    expect(issued.status).toBe(201);
    expect(await trainerStatus()).toBe("eligible");
    expect(await dueRows()).toEqual([{ email: person.email, mark: expect.any(String) }]);

    t.ctx.keys.current().keyring.active = signer;
    const run = await awardDueEvaluations(t.ctx);
    expect(run.awarded.map((a) => a.achievementId)).toEqual([TRAINER]);
    expect(await trainerStatus()).toBe("held");
  });

  it("a revocation does not award the certification again on the evidence it was awarded on", async () => {
    await adminPost(t, "/admin/credentials", { achievementId: ASSOCIATE, recipient: person });
    await trainerEvidence().catch(() => undefined);
    expect(await trainerStatus()).toBe("held");
    const list = await adminGet(t, `/admin/credentials?achievementId=${TRAINER}&email=${person.email}`);
    const [trainer] = ((await list.json()) as { items: Array<{ id: string }> }).items;
    const revoked = await adminPost(t, `/admin/credentials/${trainer?.id}/revoke`, { reason: "misconduct" });
    expect(revoked.status).toBe(200);
    expect(await trainerStatus()).not.toBe("held");
    // nor does the person's next record, for another course
    await record({
      kind: "completion",
      completion: "review",
      item: "gitlab-cicd-trainer-resources",
      occurredAt: day("2026-03-09"),
    });
    expect(await trainerStatus()).not.toBe("held");
  });
});
