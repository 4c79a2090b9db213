import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { evaluateCriteria } from "../../src/domain/criteria/evaluate.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { adminGet, adminPost, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(() => t.close());

let seq = 0;
const person = { email: "lin@example.org", name: "Lin Chen" };
const assessment = (id: string, fields: Record<string, unknown>, occurredAt: string, externalId = `s-${++seq}`) => ({
  kind: "assessment",
  externalId,
  person,
  occurredAt,
  assessment: id,
  ...fields,
});
const post = async (body: unknown) =>
  (await adminPost(t, "/admin/evidence", body)).json() as Promise<Record<string, any>>;
const count = (table: string) => countRows(t.store, table);
const lab = { passed: true, graderRole: "ps-engineer" };

describe("awarding safety", () => {
  it("grader roles are checked for scored assessments too", () => {
    const report = evaluateCriteria({
      rule: { type: "assessment", id: "a", assessment: "x", passMark: 80, graderRoles: ["ps-engineer"] },
      evidence: [
        {
          id: "e1",
          kind: "assessment",
          item: "x",
          score: 95,
          graderRole: "intern",
          occurredAt: "2026-03-01T00:00:00Z",
        },
      ],
      held: [],
      now: new Date("2026-03-10T00:00:00Z"),
    });
    expect(report.status).toBe("not-met");
    expect(report.notes?.join(" ")).toMatch(/not an authorised grader/);
  });

  it("corrections form a chain of the same item: an already corrected record cannot be corrected again", async () => {
    const original = await post(assessment("gitlab-associate-written", { score: 70 }, "2026-03-02T09:00:00Z"));
    const fix = await post(
      assessment("gitlab-associate-written", { score: 85, supersedes: original.evidence.id }, "2026-03-02T09:00:00Z"),
    );
    expect(fix.status).toBe("recorded");
    const again = await adminPost(
      t,
      "/admin/evidence",
      assessment("gitlab-associate-written", { score: 75, supersedes: original.evidence.id }, "2026-03-02T09:00:00Z"),
    );
    expect((await readProblem(again)).detail).toMatch(/already corrected/);
    const otherItem = await adminPost(
      t,
      "/admin/evidence",
      assessment("gitlab-associate-lab", { ...lab, supersedes: fix.evidence.id }, "2026-03-03T09:00:00Z"),
    );
    expect((await readProblem(otherItem)).errors?.[0]?.path).toBe("supersedes");
  });

  it("a resubmitted duplicate still evaluates: evidence dated just ahead of the clock is awarded on retry", async () => {
    await post(assessment("gitlab-associate-written", { score: 90 }, "2026-03-02T09:00:00Z"));
    const ahead = assessment("gitlab-associate-lab", lab, "2026-03-10T12:03:00Z", "lab-ahead");
    expect((await post(ahead)).awarded).toEqual([]);
    t.clock.advance(5 * 60_000);
    const retry = await post(ahead);
    expect(retry.status).toBe("duplicate");
    expect(retry.awarded.map((a: { achievementId: string }) => a.achievementId)).toEqual([
      "gitlab-certified-associate",
    ]);
  });

  it("exposes the decision record to admins", async () => {
    await post(assessment("gitlab-associate-written", { score: 90 }, "2026-03-02T09:00:00Z"));
    const awarded = await post(assessment("gitlab-associate-lab", lab, "2026-03-03T09:00:00Z"));
    const view = (await (await adminGet(t, `/admin/credentials/${awarded.awarded[0].credentialId}`)).json()) as Record<
      string,
      any
    >;
    expect(view.decision.evidenceIds).toHaveLength(2);
    expect(view.decision.report.status).toBe("met");
  });
});

describe("grader roles come from the API key, not from the request", () => {
  it("a key that grades as ps-engineer fills in the role; other keys cannot claim it", async () => {
    const pse = await createApiKey(t.ctx, {
      name: "pse",
      scopes: ["evidence:write"],
      actor: "test",
      graderRole: "ps-engineer",
    });
    const lms = await createApiKey(t.ctx, { name: "lms", scopes: ["evidence:write"], actor: "test" });
    await post(assessment("gitlab-associate-written", { score: 90 }, "2026-03-02T09:00:00Z"));

    const claimed = await adminPost(
      t,
      "/admin/evidence",
      assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-03T09:00:00Z"),
      lms.token,
    );
    expect(claimed.status).toBe(403);
    expect((await readProblem(claimed)).errors?.[0]?.path).toBe("graderRole");
    const beforeGrader = await count("evidence");

    const graded = await adminPost(
      t,
      "/admin/evidence",
      assessment("gitlab-associate-lab", { passed: true }, "2026-03-03T10:00:00Z"),
      pse.token,
    );
    expect(graded.status).toBe(201);
    const body = (await graded.json()) as Record<string, any>;
    expect(body.evidence.data.graderRole).toBe("ps-engineer");
    expect(body.awarded.map((a: { achievementId: string }) => a.achievementId)).toEqual(["gitlab-certified-associate"]);
    expect(await count("evidence")).toBe((beforeGrader ?? 0) + 1);
  });
});

describe("approvals", () => {
  beforeEach(() => {
    const associate = t.ctx.catalog.get("gitlab-certified-associate");
    if (associate) {
      associate.criteria.requiresApproval = true;
    }
  });

  async function queueAssociate(): Promise<string> {
    await post(assessment("gitlab-associate-written", { score: 90 }, "2026-03-02T09:00:00Z"));
    const queued = await post(assessment("gitlab-associate-lab", lab, "2026-03-03T09:00:00Z"));
    return queued.awarded[0].approvalId;
  }

  it("two concurrent approvals of one award issue exactly one credential", async () => {
    const id = await queueAssociate();
    const [a, b] = await Promise.all([
      adminPost(t, `/admin/approvals/${id}/approve`, {}),
      adminPost(t, `/admin/approvals/${id}/approve`, {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect(await count("credentials")).toBe(1);
  });

  it("approving runs the chain: evidence already there for the CI/CD Specialist is awarded", async () => {
    await post(assessment("gitlab-cicd-specialist-written", { score: 88 }, "2026-03-04T09:00:00Z"));
    await post(assessment("gitlab-cicd-specialist-lab", lab, "2026-03-05T09:00:00Z"));
    const id = await queueAssociate();
    const res = (await (await adminPost(t, `/admin/approvals/${id}/approve`, {})).json()) as Record<string, any>;
    expect(res.awarded.map((a: { achievementId: string }) => a.achievementId)).toEqual([
      "gitlab-certified-cicd-specialist",
    ]);
  });

  it("a rejected award is not queued again by unrelated evidence", async () => {
    const id = await queueAssociate();
    expect((await adminPost(t, `/admin/approvals/${id}/reject`, { reason: "exam irregularity" })).status).toBe(200);
    const unrelated = await post({
      kind: "completion",
      externalId: "unrelated",
      person,
      occurredAt: "2026-03-06T09:00:00Z",
      completion: "course",
      item: "anything",
      uncatalogued: true,
    });
    expect(unrelated.status).toBe("recorded");
    expect(((await (await adminGet(t, "/admin/approvals")).json()) as { items: unknown[] }).items).toHaveLength(0);
  });
});
