import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyStoredCredential } from "../../src/services/verify-credential.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { checkOf, verifyJson } from "../helpers/verify.js";

/**
 * verifyStoredCredential backs the public page: a document we signed is not verified cryptographically on every view
 * and the fixed part may come from the cache (keyed by the stored bytes and our keys), but validity and status are
 * evaluated live, on every call, against the injected clock.
 */
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const SUSPENDABLE = "gitlab-certified-associate";

/** Makes one certification suspendable in this app's catalog (the seed catalog has none yet). */
function allowSuspension(app: TestApp) {
  const get = app.ctx.catalog.get;
  app.ctx.catalog.get = (id) => {
    const entry = get(id);
    return entry && id === SUSPENDABLE ? { ...entry, suspendable: true } : entry;
  };
}

describe("verifyStoredCredential", () => {
  it("is undefined for an unknown id", async () => {
    expect(await verifyStoredCredential(t.ctx, "no-such-credential")).toBeUndefined();
  });

  it("reports a stored credential valid, reusing the cached proof check on the next call", async () => {
    const { id } = await issue(t);
    const first = await verifyStoredCredential(t.ctx, id);
    expect(first?.verdict).toBe("valid");
    expect(checkOf(first as never, "status")).toMatchObject({ outcome: "passed", code: "active" });
    const second = await verifyStoredCredential(t.ctx, id);
    expect(second?.credential).toBe(first?.credential); // the same frozen analysis, not a new verification
    expect(Object.isFrozen(second?.credential)).toBe(true);
  });

  it("sees a revocation at the very next call, although the proof check is cached", async () => {
    const { id } = await issue(t);
    expect((await verifyStoredCredential(t.ctx, id))?.verdict).toBe("valid");
    const res = await adminPost(t, `/admin/credentials/${id}/revoke`, { reason: "Exam misconduct" });
    expect(res.status, await res.text()).toBe(200);
    const report = await verifyStoredCredential(t.ctx, id);
    expect(report?.verdict).toBe("revoked");
    expect(checkOf(report as never, "status")).toMatchObject({ outcome: "failed", code: "revoked" });
    expect(checkOf(report as never, "proof")?.outcome).toBe("passed");
  });

  it("sees a suspension and its reinstatement", async () => {
    allowSuspension(t);
    const { id, credential } = await issue(t, { achievementId: SUSPENDABLE });
    expect(credential.credentialStatus.map((s: { statusPurpose: string }) => s.statusPurpose)).toEqual([
      "revocation",
      "suspension",
    ]);
    expect((await verifyStoredCredential(t.ctx, id))?.verdict).toBe("valid");
    expect((await adminPost(t, `/admin/credentials/${id}/suspend`, { reason: "Under review" })).status).toBe(200);
    const suspended = await verifyStoredCredential(t.ctx, id);
    expect(suspended?.verdict).toBe("suspended");
    expect(checkOf(suspended as never, "status")?.code).toBe("suspended");
    expect((await adminPost(t, `/admin/credentials/${id}/reinstate`, { reason: "Cleared" })).status).toBe(200);
    expect((await verifyStoredCredential(t.ctx, id))?.verdict).toBe("valid");
    // the same through the API, from the credential alone
    expect((await verifyJson(t, { credential })).verdict).toBe("valid");
  });

  it("evaluates expiry against the clock of each call", async () => {
    const { id, validUntil } = await issue(t, { achievementId: "field-product-certification-sales" });
    expect((await verifyStoredCredential(t.ctx, id))?.verdict).toBe("valid");
    t.clock.set(new Date(Date.parse(validUntil as string) + 1000));
    const later = await verifyStoredCredential(t.ctx, id);
    expect(later?.verdict).toBe("expired");
    expect(later?.checkedAt).toBe(t.clock.now().toISOString());
  });

  it("does not recompute the signature of a document it signed and stored itself", async () => {
    const { id } = await issue(t);
    const { credentials } = t.store.conn().t;
    await t.store.tx((tx) =>
      tx
        .update(credentials)
        .set({ document: sql`replace(${credentials.document}, 'Ada Lovelace', 'Ada King')` })
        .where(eq(credentials.id, id)),
    );
    // The records are the authority the page speaks from (status, reasons, history): a rewritten row is not
    // re-checked against its signature on every view; the proof check says where it comes from.
    const report = await verifyStoredCredential(t.ctx, id);
    expect(report?.verdict).toBe("valid");
    expect(checkOf(report as never, "proof")).toMatchObject({ outcome: "passed", code: "verified" });
    expect(checkOf(report as never, "proof")?.message).toContain("when this service issued it");
    // Its JSON verified in full (here: through /api/verify, its members reordered, so not the stored bytes) fails.
    const { proof, ...rest } = (await (await t.app.request(`/credentials/${id}`)).json()) as Record<string, unknown>;
    expect((await verifyJson(t, { credential: { proof, ...rest } })).verdict).toBe("not-genuine");
  });

  it("verifies in full a stored document whose proof names a key it does not publish", async () => {
    const { id } = await issue(t);
    const { credentials } = t.store.conn().t;
    await t.store.tx((tx) =>
      tx
        .update(credentials)
        .set({ document: sql`replace(${credentials.document}, '#key-1"', '#key-9"')` })
        .where(eq(credentials.id, id)),
    );
    const report = await verifyStoredCredential(t.ctx, id);
    expect(report?.verdict).toBe("not-genuine");
    expect(checkOf(report as never, "proof")?.code).toBe("unknown-key");
  });

  it("verifies in full a stored document that another issuer signed", async () => {
    const { id } = await issue(t);
    const { credentials } = t.store.conn().t;
    const did = t.ctx.keys.current().keyring.did;
    await t.store.tx((tx) =>
      tx
        .update(credentials)
        .set({ document: sql`replace(${credentials.document}, ${`"id":"${did}"`}, '"id":"did:example:someone"')` })
        .where(eq(credentials.id, id)),
    );
    const report = await verifyStoredCredential(t.ctx, id);
    expect(report?.verdict).not.toBe("valid");
    expect(checkOf(report as never, "proof")?.message).not.toContain("when this service issued it");
  });

  it("checks a typed email against the recipient on every call", async () => {
    const { id } = await issue(t, { recipient: { email: "grace@example.org", name: "Grace Hopper" } });
    const yes = await verifyStoredCredential(t.ctx, id, { recipientEmail: "Grace@Example.org" });
    const no = await verifyStoredCredential(t.ctx, id, { recipientEmail: "ada@example.org" });
    expect(checkOf(yes as never, "recipient")?.outcome).toBe("passed");
    expect(checkOf(no as never, "recipient")?.outcome).toBe("failed");
    expect(no?.verdict).toBe("valid"); // the credential is genuine; the mismatch shows as the failed check
  });
});
