import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { bearer, issue as issueBadge, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { credentialV1, credentialV2, type Json } from "../helpers/vc-signing.js";

/**
 * POST /credentials/status (issue 18 point 4): the VC API status service revokes, suspends and reinstates a
 * credential issued through /credentials/issue, and one of our Open Badges through the admin lifecycle itself.
 */
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const post = (path: string, body: unknown, token = t.adminToken) =>
  t.app.request(path, { method: "POST", headers: bearer(token), body: JSON.stringify(body) });

async function issued(credential: Json, statusPurpose: string | string[] = ["revocation", "suspension"]) {
  const res = await post("/credentials/issue", {
    credential,
    options: { credentialStatus: { type: "BitstringStatusListEntry", statusPurpose } },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { verifiableCredential: Json }).verifiableCredential;
}

async function verdictOf(verifiableCredential: unknown): Promise<string> {
  const res = await post("/credentials/verify", { verifiableCredential });
  return ((await res.json()) as { verdict: string }).verdict;
}

const status = (credentialId: string, credentialStatus: unknown, token?: string) =>
  post("/credentials/status", { credentialId, credentialStatus }, token);

describe("POST /credentials/status on credentials issued through the VC API", () => {
  it.each([
    ["2.0", () => credentialV2(t.ctx.keys.current().keyring.did)],
    ["1.1", () => credentialV1(t.ctx.keys.current().keyring.did)],
  ])("suspends, reinstates and revokes a VCDM %s credential; its status list says so at once", async (_v, make) => {
    const vc = await issued(make());
    const id = String(vc.id);
    expect(await verdictOf(vc)).toBe("valid");

    let res = await status(id, [{ type: "BitstringStatusListEntry", status: "suspended" }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      credentialId: id,
      state: "suspended",
      statusPurposes: ["revocation", "suspension"],
    });
    expect(await verdictOf(vc)).toBe("suspended");

    res = await status(id, { type: "BitstringStatusListEntry", statusPurpose: "suspension", status: false });
    expect(((await res.json()) as Json).state).toBe("active");
    expect(await verdictOf(vc)).toBe("valid");

    res = await status(id, [{ type: "BitstringStatusListEntry", statusPurpose: "revocation", status: true }]);
    expect(((await res.json()) as Json).state).toBe("revoked");
    expect(await verdictOf(vc)).toBe("revoked");

    const audit = await t.store.conn().select().from(t.store.conn().t.auditLog);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["credential.suspended", "credential.reinstated", "credential.revoked"]),
    );
  });

  it("refuses what the lifecycle does not allow (409): after revocation, and suspension without its entry", async () => {
    const vc = await issued(credentialV2(t.ctx.keys.current().keyring.did), "revocation");
    const id = String(vc.id);
    const suspend = await status(id, { type: "BitstringStatusListEntry", status: "suspended" });
    expect(suspend.status).toBe(409);
    expect((await readProblem(suspend)).detail).toContain("has no suspension status entry");
    expect((await status(id, { type: "BitstringStatusListEntry", status: "revoked" })).status).toBe(200);
    const again = await status(id, { type: "BitstringStatusListEntry", status: "revoked" });
    expect(again.status).toBe(409);
    expect((await readProblem(again)).detail).toContain("revocation is final");
  });

  it("answers 404 for an id no credential with status entries has", async () => {
    await post("/credentials/issue", { credential: credentialV2(t.ctx.keys.current().keyring.did) });
    const res = await status("urn:uuid:8a8c3e34-63a2-4f0e-9c3c-3b1d51d0f001", {
      type: "BitstringStatusListEntry",
      status: "revoked",
    });
    expect(res.status).toBe(404);
    expect((await status("urn:uuid:nobody", { type: "BitstringStatusListEntry", status: "revoked" })).status).toBe(404);
  });

  it.each([
    ["clearing a revocation", { type: "BitstringStatusListEntry", statusPurpose: "revocation", status: false }],
    ["a boolean without its purpose", { type: "BitstringStatusListEntry", status: true }],
    [
      "a status word of the other purpose",
      { type: "BitstringStatusListEntry", statusPurpose: "revocation", status: "suspended" },
    ],
    ["another entry type", { type: "StatusList2021Entry", status: "revoked" }],
    ["an unknown status", { type: "BitstringStatusListEntry", status: "deleted" }],
  ])("refuses %s (400 naming the field)", async (_what, item) => {
    const res = await status("urn:uuid:x", item);
    expect(res.status).toBe(400);
    expect((await readProblem(res)).errors?.[0]?.path).toMatch(/^credentialStatus/);
  });

  it("needs the credentials:status scope (401 without a key, 403 with another scope)", async () => {
    const res = await t.app.request("/credentials/status", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ credentialId: "x", credentialStatus: [] }),
    });
    expect(res.status).toBe(401);
    const issuer = await createApiKey(t.ctx, { name: "issuer", scopes: ["credentials:issue"], actor: "test" });
    expect((await status("x", { type: "BitstringStatusListEntry", status: "revoked" }, issuer.token)).status).toBe(403);
  });
});

describe("POST /credentials/status on our Open Badges: the admin lifecycle itself", () => {
  it("revokes an Open Badge named by its URL, with its event, audit entry and public reason", async () => {
    const badge = await issueBadge(t);
    const res = await post("/credentials/status", {
      credentialId: badge.url,
      credentialStatus: { type: "BitstringStatusListEntry", status: "revoked" },
      reason: "Issued in error",
      reasonPublic: true,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).state).toBe("revoked");
    const view = (await (
      await t.app.request(`/admin/credentials/${badge.id}`, { headers: bearer(t.adminToken) })
    ).json()) as Json;
    expect(view.status).toMatchObject({ state: "revoked" });
    const events = await t.store.conn().select().from(t.store.conn().t.events);
    expect(events.map((e) => e.type)).toContain("credential.revoked");
    expect(await verdictOf(badge.credential)).toBe("revoked");
  });

  it("refuses to suspend an Open Badge whose certification is not suspendable (409, the lifecycle's rule)", async () => {
    const badge = await issueBadge(t);
    const res = await status(badge.id, { type: "BitstringStatusListEntry", status: "suspended" });
    expect(res.status).toBe(409);
    expect((await readProblem(res)).detail).toContain("does not allow suspension");
  });
});
