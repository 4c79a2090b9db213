import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awardDueEvaluations } from "../../src/services/award-due.js";
import { recordEvidence } from "../../src/services/record-evidence.js";
import { clearEvaluationDue, dueEvaluationMark, markEvaluationDue } from "../../src/storage/evaluations-due-repo.js";
import { adminGet, adminPost } from "../helpers/http.js";
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
  const active = t.ctx.keyring.active;
  t.ctx.keyring.active = {
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

const dueRows = () =>
  t.db.$client.prepare("select person_email as email, mark from evaluations_due order by person_email").all() as Array<{
    email: string;
    mark: string;
  }>;

describe("evaluations that did not complete", () => {
  it("are completed by the reconciliation: the person whose award failed is awarded once, later", async () => {
    const email = "grace@example.org";
    expect((await adminPost(t, "/admin/evidence", written(email))).status).toBe(201);
    let failing = true;
    interceptSigning((real) => (failing ? Promise.reject(new Error("signing device unavailable")) : real()));
    // The evidence is stored, the award that should follow fails.
    expect((await adminPost(t, "/admin/evidence", lab(email))).status).toBe(500);
    expect(await associateStatus(email)).not.toBe("held");
    expect(dueRows()).toEqual([{ email, mark: expect.any(String) }]);

    // Still failing: the person stays due, and the failure is logged without the address.
    expect(await awardDueEvaluations(t.ctx)).toMatchObject({ due: 1, evaluated: 0, failed: 1 });
    expect(dueRows()).toHaveLength(1);
    const failures = t.logLines.filter((l) => l.includes('"message":"due evaluation failed"'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).not.toContain(email);

    failing = false;
    const run = await awardDueEvaluations(t.ctx);
    expect(run).toMatchObject({ due: 1, evaluated: 1, failed: 0 });
    expect(run.awarded).toEqual([{ achievementId: ASSOCIATE, outcome: "issued", credentialId: expect.any(String) }]);
    expect(await associateStatus(email)).toBe("held");
    expect(dueRows()).toEqual([]);
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
    const labMark = dueRows()[0]?.mark;
    // The CI/CD Specialist's assessments land while the Associate is being signed (dated after it was earned).
    const by = { actor: "test", graderRole: null, isAdmin: true };
    const cicd = (assessment: string, occurredAt: string, result: object) =>
      recordEvidence(
        t.ctx,
        { kind: "assessment", externalId: assessment, person: { email }, occurredAt, assessment, ...result },
        by,
      );
    cicd("gitlab-cicd-specialist-written", "2026-03-06T09:00:00Z", { score: 88 });
    cicd("gitlab-cicd-specialist-lab", "2026-03-07T09:00:00Z", { passed: true, graderRole: "ps-engineer" });
    expect(dueRows()[0]?.mark).not.toBe(labMark);
    release();
    const res = await awarding;
    expect(res.status).toBe(201);
    // The round after the Associate's saw them: the Specialist is awarded too, and only then is the person cleared.
    const { awarded } = (await res.json()) as { awarded: Array<{ achievementId: string }> };
    expect(awarded.map((a) => a.achievementId)).toEqual([ASSOCIATE, "gitlab-certified-cicd-specialist"]);
    expect(dueRows()).toEqual([]);
  });

  it("clears a person only with the mark it read: a change stored meanwhile (another process) keeps them due", () => {
    const email = "grace@example.org";
    const at = t.clock.now();
    markEvaluationDue(t.db, email, { mark: "read-by-the-evaluation", at });
    const read = dueEvaluationMark(t.db, email);
    markEvaluationDue(t.db, email, { mark: "stored-meanwhile", at });
    expect(clearEvaluationDue(t.db, email, read?.mark ?? "", at)).toBe(false);
    expect(dueRows()).toEqual([{ email, mark: "stored-meanwhile" }]);
    expect(clearEvaluationDue(t.db, email, "stored-meanwhile", at)).toBe(true);
  });

  it("leaves alone people marked after the cut-off (a request is still evaluating them)", async () => {
    recordEvidence(t.ctx, { ...written("late@example.org") } as never, {
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
    expect(dueRows()).toEqual([{ email, mark: expect.any(String) }]);
    expect(await awardDueEvaluations(t.ctx)).toMatchObject({ due: 0 });

    t.clock.advance(60 * 60_000);
    const run = await awardDueEvaluations(t.ctx);
    expect(run.awarded.map((a) => a.achievementId)).toEqual([ASSOCIATE]);
    expect(await associateStatus(email)).toBe("held");
    expect(dueRows()).toEqual([]);
  });
});
