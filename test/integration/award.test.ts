import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { listAudit } from "../../src/storage/audit-repo.js";
import { adminGet, adminPost, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { ob3Validators } from "../helpers/ob3-schemas.js";
import { countRows } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(() => t.close());

let seq = 0;
const person = { email: "grace@example.org", name: "Grace Hopper" };
const assessment = (id: string, fields: Record<string, unknown>, occurredAt: string) => ({
  kind: "assessment",
  externalId: `ev-${++seq}`,
  person,
  occurredAt,
  assessment: id,
  ...fields,
});
const credentialCount = () => countRows(t.store, "credentials");

async function submit(body: unknown) {
  const res = await adminPost(t, "/admin/evidence", body);
  expect([200, 201]).toContain(res.status);
  return (await res.json()) as {
    status: string;
    awarded: Array<{ achievementId: string; outcome: string; credentialId?: string }>;
  };
}

describe("evidence in, credential out", () => {
  it("awards the Associate when the lab passes after the written: signed, verifiable, with evidence and results", async () => {
    const written = await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
    expect(written.awarded).toEqual([]);
    const lab = await submit(
      assessment(
        "gitlab-associate-lab",
        { passed: true, graderRole: "ps-engineer", comment: "private remark" },
        "2026-03-05T09:00:00Z",
      ),
    );
    expect(lab.awarded).toEqual([
      { achievementId: "gitlab-certified-associate", outcome: "issued", credentialId: expect.any(String) },
    ]);

    const view = (await (await adminGet(t, `/admin/credentials/${lab.awarded[0]?.credentialId}`)).json()) as Record<
      string,
      any
    >;
    const vc = view.credential;
    expect(view.recipient).toEqual(person);
    expect(view.issuedBy).toBe("system:criteria");
    expect(
      await verifyDataIntegrity({
        credential: vc,
        documentLoader: t.ctx.keys.current().documentLoader,
        now: t.clock.now(),
      }),
    ).toEqual({
      verified: true,
    });
    expect(ob3Validators.current(vc), JSON.stringify(ob3Validators.current.errors)).toBe(true);
    expect(ob3Validators.formal(vc), JSON.stringify(ob3Validators.formal.errors)).toBe(true);

    const descriptions = vc.credentialSubject.achievement.resultDescription;
    const writtenDescription = descriptions.find((d: { resultType: string }) => d.resultType === "Percent");
    expect(writtenDescription).toMatchObject({ type: ["ResultDescription"], requiredValue: "80" });
    expect(vc.credentialSubject.result).toEqual(
      expect.arrayContaining([{ type: ["Result"], resultDescription: writtenDescription.id, value: "86" }]),
    );
    expect(vc.evidence.map((e: { narrative: string }) => e.narrative)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("86 %"),
        expect.stringContaining("Professional Services engineer"),
      ]),
    );
    expect(JSON.stringify(vc)).not.toContain("private remark");

    const { credentials } = t.store.conn().t;
    const [stored] = await t.store
      .conn()
      .select({ decision: credentials.decision })
      .from(credentials)
      .where(eq(credentials.id, view.id));
    const record = stored?.decision as { definitionVersion: string; evidenceIds: string[]; report: { status: string } };
    expect(record.definitionVersion).toBe(t.ctx.catalog.get("gitlab-certified-associate")?.version);
    expect(record.evidenceIds).toHaveLength(2);
    expect(record.report.status).toBe("met");
  });

  it("a lab taken before the written pass does not award", async () => {
    await submit(
      assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-01T09:00:00Z"),
    );
    const written = await submit(assessment("gitlab-associate-written", { score: 90 }, "2026-03-02T09:00:00Z"));
    expect(written.awarded).toEqual([]);
    const progress = (await (await adminGet(t, `/admin/people/${person.email}/progress`)).json()) as {
      certifications: Array<{ certification: string; status: string; report: { missing?: string } }>;
    };
    const associate = progress.certifications.find((c) => c.certification === "gitlab-certified-associate");
    expect(associate?.status).toBe("in-progress");
    expect(associate?.report.missing).toBeTruthy();
  });

  it("submitting the same evidence twice awards once", async () => {
    await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
    const lab = assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-05T09:00:00Z");
    expect((await submit(lab)).awarded).toHaveLength(1);
    const again = await submit(lab);
    expect(again).toMatchObject({ status: "duplicate", awarded: [] });
    expect(await credentialCount()).toBe(1);
  });

  it("two submissions racing for the same person award exactly one credential", async () => {
    await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
    const [a, b] = await Promise.all([
      adminPost(
        t,
        "/admin/evidence",
        assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-05T09:00:00Z"),
      ),
      adminPost(
        t,
        "/admin/evidence",
        assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-06T09:00:00Z"),
      ),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await credentialCount()).toBe(1);
  });

  it("a batch from a grader awards through a chain: Associate then the CI/CD Specialist", async () => {
    const res = await adminPost(t, "/admin/evidence/batch", {
      records: [
        assessment("gitlab-associate-written", { score: 81 }, "2026-03-01T09:00:00Z"),
        assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-02T09:00:00Z"),
        assessment("gitlab-cicd-specialist-written", { score: 92 }, "2026-03-03T09:00:00Z"),
        assessment("gitlab-cicd-specialist-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-04T09:00:00Z"),
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { recorded: number; awarded: Array<{ achievementId: string }> };
    expect(body.recorded).toBe(4);
    expect(body.awarded.map((a) => a.achievementId)).toEqual([
      "gitlab-certified-associate",
      "gitlab-certified-cicd-specialist",
    ]);
    const candidates = (await (
      await adminGet(t, "/admin/certifications/gitlab-certified-devops-professional/candidates")
    ).json()) as Record<string, string[]>;
    expect(candidates.eligible).toEqual([]);
  });
});

describe("approval queue", () => {
  it("a definition that requires approval queues the award; an admin approves or rejects, audited", async () => {
    const entry = t.ctx.catalog.get("gitlab-certified-associate");
    if (!entry) {
      throw new Error("catalog");
    }
    entry.criteria.requiresApproval = true;
    await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
    const lab = await submit(
      assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-05T09:00:00Z"),
    );
    expect(lab.awarded).toEqual([
      { achievementId: "gitlab-certified-associate", outcome: "pending-approval", approvalId: expect.any(String) },
    ]);
    expect(await credentialCount()).toBe(0);

    const queue = (await (await adminGet(t, "/admin/approvals")).json()) as { items: Array<{ id: string }> };
    expect(queue.items).toHaveLength(1);
    const id = queue.items[0]?.id;
    const approved = await adminPost(t, `/admin/approvals/${id}/approve`, {});
    expect(approved.status).toBe(201);
    expect(await credentialCount()).toBe(1);
    expect((await listAudit(t.store.conn(), 5)).map((e) => e.action)).toContain("award.approved");
    expect((await readProblem(await adminPost(t, `/admin/approvals/${id}/reject`, { reason: "late" }))).status).toBe(
      409,
    );
    expect(((await (await adminGet(t, "/admin/approvals")).json()) as { items: unknown[] }).items).toHaveLength(0);
  });

  it("deciding an approval through the API takes the approvals:decide scope, as in the console", async () => {
    const entry = t.ctx.catalog.get("gitlab-certified-associate");
    if (!entry) {
      throw new Error("catalog");
    }
    const before = entry.criteria.requiresApproval;
    entry.criteria.requiresApproval = true;
    try {
      await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
      await submit(
        assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-05T09:00:00Z"),
      );
      const issuer = await createApiKey(t.ctx, { name: "issuer", scopes: ["credentials:issue"], actor: "test" });
      const decider = await createApiKey(t.ctx, { name: "decider", scopes: ["approvals:decide"], actor: "test" });
      const as = (token: string, path: string, body?: unknown) =>
        t.app.request(path, {
          method: body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await as(issuer.token, "/admin/approvals")).status).toBe(403);
      const queue = (await (await as(decider.token, "/admin/approvals")).json()) as { items: Array<{ id: string }> };
      const id = queue.items[0]?.id;
      const refused = await readProblem(await as(issuer.token, `/admin/approvals/${id}/approve`, {}));
      expect(refused.status).toBe(403);
      expect(refused.detail).toContain("approvals:decide");
      expect(await credentialCount()).toBe(0);
      expect((await as(decider.token, `/admin/approvals/${id}/approve`, {})).status).toBe(201);
      expect(await credentialCount()).toBe(1);
    } finally {
      entry.criteria.requiresApproval = before;
    }
  });

  it("an award waiting for approval holds back only its own certification", async () => {
    const associate = t.ctx.catalog.get("gitlab-certified-associate");
    const cicd = t.ctx.catalog.get("gitlab-certified-cicd-specialist");
    if (!associate || !cicd) {
      throw new Error("catalog");
    }
    // The catalog's entries are shared by this file's tests: set both, put back the CI/CD one's.
    const cicdBefore = cicd.criteria.requiresApproval;
    associate.criteria.requiresApproval = false;
    cicd.criteria.requiresApproval = true;
    try {
      const ps = { passed: true, graderRole: "ps-engineer" };
      await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
      await submit(assessment("gitlab-associate-lab", ps, "2026-03-03T09:00:00Z"));
      await submit(assessment("gitlab-cicd-specialist-written", { score: 88 }, "2026-03-04T09:00:00Z"));
      const queued = await submit(assessment("gitlab-cicd-specialist-lab", ps, "2026-03-05T09:00:00Z"));
      expect(queued.awarded).toEqual([
        { achievementId: cicd.id, outcome: "pending-approval", approvalId: expect.any(String) },
      ]);
      // Another Specialist met while the CI/CD one waits for an admin: issued at once.
      await submit(assessment("gitlab-security-specialist-written", { score: 90 }, "2026-03-06T09:00:00Z"));
      const security = await submit(assessment("gitlab-security-specialist-lab", ps, "2026-03-07T09:00:00Z"));
      expect(security.awarded).toEqual([
        { achievementId: "gitlab-certified-security-specialist", outcome: "issued", credentialId: expect.any(String) },
      ]);
    } finally {
      cicd.criteria.requiresApproval = cicdBefore;
    }
  });

  it("an approval decided after the person's credential was suspended issues nothing (409)", async () => {
    const entry = t.ctx.catalog.get("gitlab-certified-associate");
    if (!entry) {
      throw new Error("catalog");
    }
    entry.criteria.requiresApproval = true;
    entry.suspendable = true;
    await submit(assessment("gitlab-associate-written", { score: 86 }, "2026-03-02T09:00:00Z"));
    const lab = await submit(
      assessment("gitlab-associate-lab", { passed: true, graderRole: "ps-engineer" }, "2026-03-05T09:00:00Z"),
    );
    const approvalId = (lab.awarded[0] as { approvalId?: string }).approvalId;
    // Meanwhile an admin issues the credential by hand, and it is suspended.
    const manual = await adminPost(t, "/admin/credentials", { achievementId: entry.id, recipient: person });
    const { id } = (await manual.json()) as { id: string };
    expect((await adminPost(t, `/admin/credentials/${id}/suspend`, { reason: "Under review" })).status).toBe(200);
    const approved = await adminPost(t, `/admin/approvals/${approvalId}/approve`, {});
    expect(approved.status).toBe(409);
    expect((await readProblem(approved)).detail).toMatch(/valid or suspended/);
    expect(await credentialCount()).toBe(1);
  });
});
