import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signDataIntegrity } from "../../src/crypto/data-integrity.js";
import { generateIssuerKey } from "../../src/crypto/issuer-keys.js";
import { createKeyring } from "../../src/crypto/keyring.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { outcomes, type Report, verifyJson } from "../helpers/verify.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const verify = (body: unknown) => verifyJson(t, body);

describe("POST /api/verify with our own credentials", () => {
  it("reports a credential we issued as valid, every applicable check passed", async () => {
    const issued = await issue(t);
    const report = await verify({ credential: issued.credential });
    expect(report.verdict).toBe("valid");
    expect(outcomes(report)).toEqual({
      format: "passed",
      schema: "passed",
      proof: "passed",
      issuer: "passed",
      validity: "passed",
      status: expect.stringMatching(/passed|not-checked/),
      recipient: "not-checked",
    });
    expect(report.checks.map((c) => c.id)).toEqual([
      "format",
      "schema",
      "proof",
      "issuer",
      "validity",
      "status",
      "recipient",
    ]);
    expect(report.format).toBe("json");
    expect(report.display).toMatchObject({
      openBadgesVersion: "3.0",
      name: "GitLab Certified Associate",
      recipientName: "Ada Lovelace",
    });
    expect(report.checkedAt).toBe(t.clock.now().toISOString());
  });

  it("verifies its VC-JWT form and its URL the same way", async () => {
    const issued = await issue(t);
    const jwt = await verify({ credential: issued.jwt });
    expect(jwt.format).toBe("jwt");
    expect(jwt.verdict).toBe("valid");
    expect(jwt.checks.find((c) => c.id === "proof")?.message).toContain("ES256");
    const byUrl = await verify({ url: issued.url });
    expect(byUrl).toMatchObject({ verdict: "valid", format: "url" });
  });

  it("says a tampered copy is not genuine, naming the failed signature", async () => {
    const issued = await issue(t);
    const tampered = structuredClone(issued.credential);
    tampered.credentialSubject.identifier[1].identityHash = "Mallory";
    const report = await verify({ credential: tampered });
    expect(report.verdict).toBe("not-genuine");
    expect(report.checks.find((c) => c.id === "proof")).toMatchObject({ outcome: "failed", code: "tampered" });
    expect(report.display?.recipientName).toBe("Mallory");
  });

  it("says a credential signed by a key that is not ours, claiming our issuer, is not genuine", async () => {
    const issued = await issue(t);
    const { proof: _proof, ...unsigned } = issued.credential;
    const stranger = await createKeyring({
      keys: [await generateIssuerKey(1, t.clock.now())],
      did: "did:web:badges.test",
      publicUrl: TEST_PUBLIC_URL,
    });
    const forged = await signDataIntegrity({
      credential: unsigned,
      signer: stranger.active,
      documentLoader: t.ctx.keys.current().documentLoader,
      now: t.clock.now(),
    });
    const report = await verify({ credential: forged });
    expect(report.verdict).toBe("not-genuine");
    expect(report.checks.find((c) => c.id === "proof")?.outcome).toBe("failed");
  });

  it("reports expiry once the clock passes validUntil", async () => {
    const issued = await issue(t, { achievementId: "field-product-certification-sales" });
    expect(issued.validUntil).not.toBeNull();
    t.clock.set(new Date(Date.parse(issued.validUntil as string) + 1000));
    const report = await verify({ credential: issued.credential });
    expect(report.verdict).toBe("expired");
    expect(report.checks.find((c) => c.id === "validity")).toMatchObject({ outcome: "failed", code: "expired" });
    expect(report.checks.find((c) => c.id === "proof")?.outcome).toBe("passed");
  });

  it("compares a typed email with the hashed recipient identifier", async () => {
    const issued = await issue(t, { recipient: { email: "Ada@Example.org", name: "Ada Lovelace" } });
    const yes = await verify({ credential: issued.credential, recipientEmail: " ADA@example.ORG " });
    expect(yes.checks.find((c) => c.id === "recipient")).toMatchObject({ outcome: "passed" });
    const no = await verify({ credential: issued.credential, recipientEmail: "eve@example.org" });
    expect(no.checks.find((c) => c.id === "recipient")).toMatchObject({ outcome: "failed", code: "no-match" });
  });

  it("accepts a multipart upload of the baked PNG and SVG", async () => {
    const issued = await issue(t);
    for (const [file, type] of [
      ["badge.png", "image/png"],
      ["badge.svg", "image/svg+xml"],
    ] as const) {
      const baked = await t.app.request(`/credentials/${issued.id}/${file}`);
      expect(baked.status).toBe(200);
      const form = new FormData();
      form.set("file", new File([new Uint8Array(await baked.arrayBuffer())], file, { type }));
      form.set("recipientEmail", "ada@example.org");
      const res = await t.app.request("/api/verify", { method: "POST", body: form });
      expect(res.status).toBe(200);
      const report = (await res.json()) as Report;
      expect(report).toMatchObject({ verdict: "valid", format: file.endsWith("png") ? "png" : "svg" });
      expect(report.checks.find((c) => c.id === "recipient")?.outcome).toBe("passed");
    }
  });
});
