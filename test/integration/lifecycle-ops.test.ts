import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCredentialLifecycle } from "../../src/services/credential-lifecycle.js";
import { heldCredentials } from "../../src/services/person-state.js";
import { listAudit } from "../../src/storage/audit-repo.js";
import { adminGet, issue, readProblem } from "../helpers/http.js";
import { entryFor, keyWith, lifecycle, makeSuspendable, servedBit } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  makeSuspendable(t, "field-product-certification-sales");
});
afterEach(() => t.close());

type View = {
  id: string;
  recipient: { email: string; name: string };
  validUntil: string | null;
  credential: Record<string, any>;
  status: {
    state: string;
    revocation: { at: string; reason: string; reasonPublic: boolean } | null;
    suspension: { at: string; reason: string; reasonPublic: boolean } | null;
    supersededBy: string | null;
    supersedes: string | null;
  };
};

const adminKeyId = (t: TestApp) => t.adminToken.split("_")[1];

/** Everything a failed operation must leave untouched: audit, events, list versions, credential rows. */
async function snapshot(t: TestApp) {
  const db = t.store.conn();
  const { statusLists, credentials, statusEntries } = db.t;
  return JSON.stringify([
    await countRows(t.store, "audit_log"),
    await countRows(t.store, "events"),
    await db
      .select({ id: statusLists.id, version: statusLists.version, signedVersion: statusLists.signedVersion })
      .from(statusLists)
      .orderBy(statusLists.id),
    await db.select().from(credentials).orderBy(credentials.id),
    await db.select().from(statusEntries).orderBy(statusEntries.listId, statusEntries.idx),
  ]);
}

describe("revoke", () => {
  it("revokes with an audited reason (private by default), flips the bit and shows on the admin view", async () => {
    const { id, credential } = await issue(t);
    t.clock.advance(60_000);
    const res = await lifecycle(t, id, "revoke", { reason: "  Exam misconduct confirmed  " });
    expect(res.status).toBe(200);
    const view = (await res.json()) as View;
    expect(view.status).toMatchObject({
      state: "revoked",
      revocation: { at: t.clock.now().toISOString(), reason: "Exam misconduct confirmed", reasonPublic: false },
      suspension: null,
    });
    expect(await servedBit(t, credential, "revocation")).toBe(true);
    const [entry] = await listAudit(t.store.conn(), 1);
    expect(entry).toMatchObject({
      actor: `api-key:${adminKeyId(t)}`,
      action: "credential.revoked",
      targetId: id,
      details: { reason: "Exam misconduct confirmed", reasonPublic: false },
    });
    expect(entry?.at.toISOString()).toBe(t.clock.now().toISOString());
    const got = (await (await adminGet(t, `/admin/credentials/${id}`)).json()) as View;
    expect(got.status.state).toBe("revoked");
    // The public lifecycle never shows a private reason.
    const publicView = await getCredentialLifecycle(t.ctx, id);
    expect(publicView.state).toBe("revoked");
    expect(publicView.publicReason).toBeUndefined();
    expect(JSON.stringify(publicView)).not.toContain("misconduct");
    expect(publicView.history.map((h) => h.event)).toEqual(["issued", "revoked"]);
  });

  it("shows the reason publicly when asked, and revoked credentials are no longer held", async () => {
    const { id } = await issue(t);
    await lifecycle(t, id, "revoke", { reason: "Issued to the wrong person", reasonPublic: true });
    const view = await getCredentialLifecycle(t.ctx, id);
    expect(view).toMatchObject({ state: "revoked", publicReason: "Issued to the wrong person" });
    expect(view.history.at(-1)).toMatchObject({ event: "revoked", detail: "Issued to the wrong person" });
    expect(await heldCredentials(t.store.conn(), "ada@example.org")).toEqual([
      expect.objectContaining({ credentialId: id, status: "revoked" }),
    ]);
  });

  it("is final: revoking again, suspending or reinstating a revoked credential is a 409 that changes nothing", async () => {
    const { id } = await issue(t, { achievementId: "field-product-certification-sales" });
    await lifecycle(t, id, "revoke", { reason: "fraud" });
    const before = await snapshot(t);
    for (const [op, pattern] of [
      ["revoke", /already revoked/],
      ["suspend", /revoked/],
      ["reinstate", /revoked/],
    ] as const) {
      const res = await lifecycle(t, id, op, { reason: "again" });
      expect(res.status, op).toBe(409);
      const problem = await readProblem(res);
      expect(problem.code).toBe("CONFLICT");
      expect(problem.detail).toMatch(pattern);
    }
    expect(await snapshot(t)).toBe(before);
  });
});

describe("suspend and reinstate", () => {
  it("suspends, then reinstates, flipping the suspension bit both ways with audited reasons", async () => {
    const { id, credential } = await issue(t, { achievementId: "field-product-certification-sales" });
    const suspended = await lifecycle(t, id, "suspend", { reason: "Audit pending", reasonPublic: true });
    expect(suspended.status).toBe(200);
    expect(((await suspended.json()) as View).status).toMatchObject({
      state: "suspended",
      suspension: { at: t.clock.now().toISOString(), reason: "Audit pending", reasonPublic: true },
    });
    expect(await servedBit(t, credential, "suspension")).toBe(true);
    expect(await getCredentialLifecycle(t.ctx, id)).toMatchObject({
      state: "suspended",
      publicReason: "Audit pending",
    });
    expect((await heldCredentials(t.store.conn(), "ada@example.org"))[0]?.status).toBe("suspended");

    const reinstated = await lifecycle(t, id, "reinstate", { reason: "Audit passed" });
    expect(reinstated.status).toBe(200);
    expect(((await reinstated.json()) as View).status).toMatchObject({
      state: "active",
      suspension: null,
      revocation: null,
    });
    expect(await servedBit(t, credential, "suspension")).toBe(false);
    expect(await servedBit(t, credential, "revocation")).toBe(false);
    expect((await heldCredentials(t.store.conn(), "ada@example.org"))[0]?.status).toBe("active");
    const lifecycleView = await getCredentialLifecycle(t.ctx, id);
    expect(lifecycleView.state).toBe("active");
    expect(lifecycleView.publicReason).toBeUndefined();
    expect(lifecycleView.history.map((h) => h.event)).toEqual(["issued", "suspended", "reinstated"]);

    const audit = (await listAudit(t.store.conn(), 2)).reverse();
    expect(audit.map((a) => [a.action, a.actor, a.details.reason])).toEqual([
      ["credential.suspended", `api-key:${adminKeyId(t)}`, "Audit pending"],
      ["credential.reinstated", `api-key:${adminKeyId(t)}`, "Audit passed"],
    ]);
  });

  it("allows revoking a suspended credential", async () => {
    const { id, credential } = await issue(t, { achievementId: "field-product-certification-sales" });
    await lifecycle(t, id, "suspend", { reason: "Audit pending" });
    const res = await lifecycle(t, id, "revoke", { reason: "Audit failed", reasonPublic: true });
    expect(res.status).toBe(200);
    expect(((await res.json()) as View).status.state).toBe("revoked");
    expect(await servedBit(t, credential, "revocation")).toBe(true);
    expect(await getCredentialLifecycle(t.ctx, id)).toMatchObject({ state: "revoked", publicReason: "Audit failed" });
  });

  it("refuses invalid transitions with a 409 naming why, changing nothing", async () => {
    const plain = await issue(t); // gitlab-certified-associate does not allow suspension
    const suspendable = await issue(t, { achievementId: "field-product-certification-sales" });
    const before = await snapshot(t);
    const cases: Array<[string, "suspend" | "reinstate", RegExp]> = [
      [plain.id, "suspend", /does not allow suspension/],
      [plain.id, "reinstate", /not suspended/],
      [suspendable.id, "reinstate", /not suspended/],
    ];
    for (const [id, op, pattern] of cases) {
      const res = await lifecycle(t, id, op, { reason: "why not" });
      expect(res.status).toBe(409);
      expect((await readProblem(res)).detail).toMatch(pattern);
    }
    expect(await snapshot(t)).toBe(before);
    await lifecycle(t, suspendable.id, "suspend", { reason: "first" });
    const again = await lifecycle(t, suspendable.id, "suspend", { reason: "second" });
    expect(again.status).toBe(409);
    expect((await readProblem(again)).detail).toMatch(/already suspended/);
  });
});

describe("reissue", () => {
  it("issues a corrected credential that keeps awardedDate and expiry, and supersedes the old one", async () => {
    const original = await issue(t, { achievementId: "field-product-certification-sales" });
    t.clock.advance(40 * 86_400_000);
    const res = await lifecycle(t, original.id, "reissue", {
      reason: "Name misspelt on the certificate",
      recipient: { name: "Ada King Lovelace" },
    });
    expect(res.status).toBe(201);
    const { credential: fresh, superseded } = (await res.json()) as { credential: View; superseded: View };
    expect(res.headers.get("location")).toBe(`/admin/credentials/${fresh.id}`);
    expect(fresh.recipient).toEqual({ email: "ada@example.org", name: "Ada King Lovelace" });
    expect(fresh.credential.awardedDate).toBe(original.credential.awardedDate);
    expect(fresh.credential.validFrom).not.toBe(original.credential.validFrom);
    expect(fresh.validUntil).toBe(original.validUntil);
    expect(fresh.credential.credentialSubject.identifier).toContainEqual(
      expect.objectContaining({ identityType: "name", identityHash: "Ada King Lovelace" }),
    );
    expect(fresh.status).toMatchObject({ state: "active", supersedes: original.id });
    expect(superseded.status).toMatchObject({
      state: "revoked",
      revocation: { at: t.clock.now().toISOString(), reason: "superseded", reasonPublic: true },
      supersededBy: fresh.id,
    });
    expect(await servedBit(t, original.credential, "revocation")).toBe(true);
    expect(await servedBit(t, fresh.credential, "revocation")).toBe(false);
    expect(entryFor(fresh.credential, "revocation").statusListIndex).not.toBe(
      entryFor(original.credential, "revocation").statusListIndex,
    );
    // The old page links to the new one; the new one says what it replaced.
    expect(await getCredentialLifecycle(t.ctx, original.id)).toMatchObject({
      state: "revoked",
      publicReason: "superseded",
      supersededBy: fresh.id,
      history: [{ event: "issued" }, { event: "superseded", detail: `replaced by ${fresh.id}` }],
    });
    expect(JSON.stringify(await getCredentialLifecycle(t.ctx, original.id))).not.toContain("misspelt");
    expect(await getCredentialLifecycle(t.ctx, fresh.id)).toMatchObject({ state: "active", supersedes: original.id });
    const audit = await listAudit(t.store.conn(), 2);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ["credential.superseded", `api-key:${adminKeyId(t)}`],
      ["credential.issued", `api-key:${adminKeyId(t)}`],
    ]);
    expect(String(audit[0]?.details.reason)).toContain("Name misspelt on the certificate");
  });

  it("reissues a credential once when two corrections to different people arrive at once (across nodes too)", async () => {
    const a = await issue(t, { achievementId: "field-product-certification-sales" });
    const both = await Promise.all([
      lifecycle(t, a.id, "reissue", { reason: "typo", recipient: { email: "ada@example.net" } }),
      lifecycle(t, a.id, "reissue", { reason: "typo", recipient: { email: "ada@example.com" } }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await countRows(t.store, "credentials")).toBe(2);
  });

  it("corrects the email (a new recipient) and refuses revoked, suspended or unchanged ones", async () => {
    const a = await issue(t, { achievementId: "field-product-certification-sales" });
    const moved = await lifecycle(t, a.id, "reissue", { reason: "typo", recipient: { email: "Ada@Example.NET" } });
    expect(moved.status).toBe(201);
    const fresh = (await moved.json()) as { credential: View };
    expect(fresh.credential.recipient.email).toBe("ada@example.net");

    const revokedAgain = await lifecycle(t, a.id, "reissue", { reason: "again", recipient: { name: "X" } });
    expect(revokedAgain.status).toBe(409);
    expect((await readProblem(revokedAgain)).detail).toMatch(/superseded by/);

    const b = await issue(t, {
      achievementId: "field-product-certification-sales",
      recipient: { email: "b@example.org", name: "B" },
    });
    await lifecycle(t, b.id, "suspend", { reason: "hold" });
    const before = await snapshot(t);
    const suspended = await lifecycle(t, b.id, "reissue", { reason: "fix", recipient: { name: "Bee" } });
    expect(suspended.status).toBe(409);
    expect((await readProblem(suspended)).detail).toMatch(/reinstate it first/);
    const unchanged = await lifecycle(t, b.id, "reissue", { reason: "fix", recipient: { name: "B" } });
    expect(unchanged.status).toBe(400);
    expect((await readProblem(unchanged)).errors?.[0]?.path).toBe("recipient");
    const empty = await lifecycle(t, b.id, "reissue", { reason: "fix", recipient: {} });
    expect(empty.status).toBe(400);
    expect(await snapshot(t)).toBe(before);
  });
});

describe("bad requests change nothing", () => {
  it("answers 400 / 401 / 403 / 404 problems and leaves every table as it was", async () => {
    const { id } = await issue(t, { achievementId: "field-product-certification-sales" });
    const readOnly = await keyWith(t, ["credentials:read", "credentials:issue"]);
    const before = await snapshot(t);
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ["missing reason", lifecycle(t, id, "revoke", {}), 400, "reason"],
      ["blank reason", lifecycle(t, id, "revoke", { reason: "   " }), 400, "reason"],
      ["too long", lifecycle(t, id, "suspend", { reason: "x".repeat(501) }), 400, "reason"],
      ["unknown field", lifecycle(t, id, "revoke", { reason: "r", public: true }), 400, ""],
      [
        "reasonPublic not boolean",
        lifecycle(t, id, "revoke", { reason: "r", reasonPublic: "yes" }),
        400,
        "reasonPublic",
      ],
      ["malformed id", lifecycle(t, "not-a-uuid", "revoke", { reason: "r" }), 400, "id"],
      ["unknown id", lifecycle(t, "00000000-0000-4000-8000-000000000000", "revoke", { reason: "r" }), 404, ""],
      [
        "unknown id reissue",
        lifecycle(t, "00000000-0000-4000-8000-000000000000", "reissue", { reason: "r", recipient: { name: "N" } }),
        404,
        "",
      ],
      ["wrong scope", lifecycle(t, id, "revoke", { reason: "r" }, readOnly), 403, ""],
      ["bad token", lifecycle(t, id, "suspend", { reason: "r" }, "lrl_nope"), 401, ""],
    ];
    for (const [name, pending, status, path] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      const problem = await readProblem(res);
      if (path) {
        expect(
          problem.errors?.map((e) => e.path),
          name,
        ).toContain(path);
      }
    }
    const malformed = await t.app.request(`/admin/credentials/${id}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "application/json" },
      body: "{reason:",
    });
    expect(malformed.status).toBe(400);
    expect(await snapshot(t)).toBe(before);
  });

  it("the credentials:status scope is enough (admin implies it)", async () => {
    const { id } = await issue(t);
    const statusKey = await keyWith(t, ["credentials:status"]);
    expect((await lifecycle(t, id, "revoke", { reason: "scoped" }, statusKey)).status).toBe(200);
  });
});

describe("the audit log", () => {
  it("records every operation and no route can write or change it (it is only read)", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as { paths: Record<string, object> };
    const auditPaths = Object.entries(doc.paths).filter(([p]) => /audit/i.test(p));
    expect(auditPaths.map(([p, operations]) => [p, Object.keys(operations)])).toEqual([["/admin/audit", ["get"]]]);
    const routes = t.app.routes.map((r) => `${r.method} ${r.path}`);
    // the API's reading route, and the console's page that shows the same log and its CSV export
    expect([...new Set(routes.filter((r) => /audit/i.test(r)))].sort()).toEqual([
      "GET /admin/audit",
      "GET /console/audit",
      "GET /console/audit/export.csv",
    ]);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await t.app.request("/admin/audit", { method, headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(res.status, method).toBe(404);
      expect((await t.app.request("/console/audit", { method })).status, `${method} /console/audit`).toBe(404);
    }
    // Every route that changes a credential is a lifecycle operation (its deliveries are only read).
    const credentialPaths = Object.entries(doc.paths).filter(([p]) => p.startsWith("/admin/credentials/{id}/"));
    for (const [lifecyclePath, operations] of credentialPaths) {
      if (Object.keys(operations).some((m) => m !== "get")) {
        expect(lifecyclePath).toMatch(/\/(revoke|suspend|reinstate|reissue)$/);
      }
    }
  });
});
