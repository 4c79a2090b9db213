import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { bearer, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { credentialV1, credentialV2, type Json, VC2 } from "../helpers/vc-signing.js";

/**
 * POST /credentials/issue (issue 18 point 1): any VC Data Model 2.0 or 1.1 credential, signed by us as its issuer,
 * eddsa-rdfc-2022 by default, status entries on request, the VC-JOSE-COSE envelope on request, and every VCDM rule
 * the bare library lets through refused with the rule named.
 */
let t: TestApp;
let issuer: string;
beforeEach(async () => {
  t = await makeTestApp();
  issuer = t.ctx.keys.current().keyring.did;
});
afterEach(() => t.close());

async function issue(credential: unknown, options?: unknown, token = t.adminToken) {
  return t.app.request("/credentials/issue", {
    method: "POST",
    headers: bearer(token),
    body: JSON.stringify({ credential, ...(options === undefined ? {} : { options }) }),
  });
}

async function issued(credential: unknown, options?: unknown): Promise<Json> {
  const res = await issue(credential, options);
  if (res.status !== 201) {
    throw new Error(`issue failed: ${res.status} ${await res.text()}`);
  }
  return ((await res.json()) as { verifiableCredential: Json }).verifiableCredential;
}

async function verify(verifiableCredential: unknown) {
  const res = await t.app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ verifiableCredential }),
  });
  return { status: res.status, body: (await res.json()) as { verified: boolean; verdict: string; errors: string[] } };
}

const withoutIssuer = (c: Json) => {
  const { issuer: _drop, ...rest } = c;
  return rest;
};

describe("POST /credentials/issue: what it issues", () => {
  it.each([
    ["2.0", () => credentialV2(issuer)],
    ["1.1", () => credentialV1(issuer)],
  ])("signs a VCDM %s credential as ours with eddsa-rdfc-2022 (201), and it verifies", async (_v, make) => {
    const vc = await issued(make());
    expect(vc.issuer).toBe(issuer);
    const proof = (vc.proof as Json[])[0] as Json;
    expect(proof).toMatchObject({ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022" });
    expect(String(proof.verificationMethod)).toMatch(new RegExp(`^${issuer}#`));
    const { status, body } = await verify(vc);
    expect(body.errors).toEqual([]);
    expect([status, body.verified]).toEqual([200, true]);
  });

  it.each([
    ["2.0", () => withoutIssuer(credentialV2(issuer))],
    ["1.1", () => withoutIssuer(credentialV1(issuer, { issuanceDate: undefined }))],
  ])("fills in the issuer (and a 1.1 issuanceDate) when the VCDM %s credential has none", async (v, make) => {
    const vc = await issued(JSON.parse(JSON.stringify(make())));
    expect(vc.issuer).toBe(issuer);
    expect(v === "1.1" ? vc.issuanceDate : vc.validFrom).toBe(
      v === "1.1" ? "2026-03-02T09:30:00Z" : "2026-01-01T00:00:00Z",
    );
    expect((await verify(vc)).body.verified).toBe(true);
  });

  it("keeps an issuer object naming us, with its other members", async () => {
    const vc = await issued(credentialV2(issuer, { issuer: { id: issuer, name: "Test Academy" } }));
    expect(vc.issuer).toEqual({ id: issuer, name: "Test Academy" });
    expect((await verify(vc)).body.verified).toBe(true);
  });

  it("gives a VCDM 2.0 credential without validFrom the time of issue", async () => {
    const { validFrom: _drop, ...undated } = credentialV2(issuer);
    const vc = await issued(undated);
    expect(vc.validFrom).toBe("2026-03-02T09:30:00Z");
    expect((await verify(vc)).body.verdict).toBe("valid");
  });

  it("stamps the proof with options.created", async () => {
    const vc = await issued(credentialV2(issuer), { created: "2026-03-01T08:00:00Z" });
    expect((vc.proof as Json[])[0]?.created).toBe("2026-03-01T08:00:00Z");
  });

  it.each([
    ["2.0", () => credentialV2(issuer)],
    ["1.1", () => credentialV1(issuer)],
  ])("adds revocation and suspension entries to a VCDM %s credential when options ask", async (v, make) => {
    const vc = await issued(make(), {
      credentialStatus: { type: "BitstringStatusListEntry", statusPurpose: ["revocation", "suspension"] },
    });
    const entries = vc.credentialStatus as Json[];
    expect(entries.map((e) => [e.type, e.statusPurpose])).toEqual([
      ["BitstringStatusListEntry", "revocation"],
      ["BitstringStatusListEntry", "suspension"],
    ]);
    expect(String(entries[0]?.statusListCredential)).toMatch(/^https:\/\/badges\.test\/status-lists\/\d+$/);
    if (v === "1.1") {
      expect(vc["@context"]).toContain("https://www.w3.org/ns/credentials/status/v1");
    }
    const { body } = await verify(vc);
    expect([body.verified, body.verdict]).toEqual([true, "valid"]);
  });

  it("gives a credential without an id a urn:uuid when it carries status (the status service names it by its id)", async () => {
    const { id: _id, ...anonymous } = credentialV2(issuer);
    const vc = await issued(anonymous, { credentialStatus: { type: "BitstringStatusListEntry" } });
    expect(String(vc.id)).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect((vc.credentialStatus as Json).statusPurpose).toBe("revocation");
  });

  it("refuses a second credential with status entries under an id already used (409)", async () => {
    const options = { credentialStatus: { type: "BitstringStatusListEntry" } };
    await issued(credentialV2(issuer), options);
    const res = await issue(credentialV2(issuer), options);
    expect(res.status).toBe(409);
  });

  it("answers a VC-JOSE-COSE EnvelopedVerifiableCredential when options.envelope asks, and it verifies", async () => {
    const vc = await issued(credentialV2(issuer), { envelope: "application/vc+jwt" });
    expect(vc.type).toBe("EnvelopedVerifiableCredential");
    expect(String(vc.id)).toMatch(/^data:application\/vc\+jwt,eyJ/);
    const jws = String(vc.id).split(",")[1] as string;
    const header = JSON.parse(Buffer.from(jws.split(".")[0] as string, "base64url").toString());
    expect(header).toMatchObject({ alg: "ES256", typ: "vc+jwt" });
    const payload = JSON.parse(Buffer.from(jws.split(".")[1] as string, "base64url").toString());
    expect(payload.issuer).toBe(issuer);
    expect(payload.proof).toBeUndefined();
    const { body } = await verify(vc);
    expect(body.errors).toEqual([]);
    expect(body.verified).toBe(true);
  });

  it("needs the credentials:issue scope (401 without a key, 403 with another scope)", async () => {
    const res = await t.app.request("/credentials/issue", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ credential: credentialV2(issuer) }),
    });
    expect(res.status).toBe(401);
    const reader = await createApiKey(t.ctx, { name: "reader", scopes: ["credentials:read"], actor: "test" });
    expect((await issue(credentialV2(issuer), undefined, reader.token)).status).toBe(403);
  });

  it("stores what it issued, audited as the key's", async () => {
    await issued(credentialV2(issuer));
    const rows = await t.store.conn().select().from(t.store.conn().t.vcApiCredentials);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.credentialId).toBe("urn:uuid:8a8c3e34-63a2-4f0e-9c3c-3b1d51d0f001");
    expect(rows[0]?.issuedBy).toMatch(/^api-key:/);
  });
});

type Case = [rule: string, credential: () => Json, path: string];

describe("POST /credentials/issue: the VC Data Model rules, each refused by name (400)", () => {
  const v2 = (extra: Json) => () => credentialV2(issuer, extra);
  const v1 = (extra: Json) => () => credentialV1(issuer, extra);
  const CASES: Case[] = [
    ["credential-subject", v2({ credentialSubject: "did:example:abc" }), "credential.credentialSubject"],
    ["credential-subject", v1({ credentialSubject: ["did:example:abc"] }), "credential.credentialSubject[0]"],
    ["credential-subject", v2({ credentialSubject: {} }), "credential.credentialSubject"],
    [
      "typed-object",
      v2({ credentialSchema: { id: "https://example.org/schema.json" } }),
      "credential.credentialSchema.type",
    ],
    ["typed-object", v2({ refreshService: { id: "https://example.org/refresh" } }), "credential.refreshService.type"],
    ["typed-object", v1({ termsOfUse: { id: "https://example.org/tou" } }), "credential.termsOfUse.type"],
    ["typed-object", v2({ evidence: [{ id: "https://example.org/evidence/1" }] }), "credential.evidence[0].type"],
    ["typed-object", v1({ credentialSchema: { type: "JsonSchemaValidator2018" } }), "credential.credentialSchema.id"],
    [
      "related-resource",
      v2({ relatedResource: [{ id: "https://example.org/a.png", digestSRI: "md5-abc" }] }),
      "credential.relatedResource[0].digestSRI",
    ],
    [
      "related-resource",
      v2({ relatedResource: [{ id: "https://example.org/a.png", digestMultibase: "not base" }] }),
      "credential.relatedResource[0].digestMultibase",
    ],
    [
      "related-resource",
      v2({ relatedResource: [{ id: "https://example.org/a.png" }] }),
      "credential.relatedResource[0]",
    ],
    ["related-resource", v2({ relatedResource: [{ digestSRI: "sha384-abc" }] }), "credential.relatedResource[0]"],
    ["date-time", v2({ validFrom: "2026-01-01" }), "credential.validFrom"],
    ["date-time", v2({ validUntil: "2026-01-01T00:00:00" }), "credential.validUntil"],
    ["date-time", v1({ issuanceDate: "yesterday" }), "credential.issuanceDate"],
    ["date-time", v1({ expirationDate: 20260101 }), "credential.expirationDate"],
    ["id", v2({ id: "not a url" }), "credential.id"],
    ["id", v2({ credentialSubject: { id: "abc", alumniOf: "x" } }), "credential.credentialSubject.id"],
    ["context", v2({ "@context": "https://www.w3.org/ns/credentials/v2" }), "credential.@context"],
    ["context", v2({ "@context": ["https://www.w3.org/ns/credentials/examples/v2", VC2] }), "credential.@context"],
    ["type", v2({ type: ["ExampleAlumniCredential"] }), "credential.type"],
    ["credential-subject", v1({ credentialSubject: 42 }), "credential.credentialSubject"],
    ["issuer", v2({ issuer: { name: "No id" } }), "credential.issuer"],
    ["name-description", v2({ name: 42 }), "credential.name"],
    ["proof", v2({ proof: { type: "DataIntegrityProof" } }), "credential.proof"],
  ];
  it.each(CASES)("[%s] %#", async (rule, make, path) => {
    const res = await issue(JSON.parse(JSON.stringify(make())));
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.code).toBe("VALIDATION_FAILED");
    const error = problem.errors?.find((e) => e.path === path);
    expect(error?.message, JSON.stringify(problem.errors)).toContain(`[${rule}]`);
    expect(await t.store.conn().select().from(t.store.conn().t.vcApiCredentials)).toEqual([]);
  });

  it("refuses a credential whose terms its contexts do not define, naming the JSON-LD rule (400, nothing stored)", async () => {
    const res = await issue(
      credentialV2(issuer, { "@context": [VC2], credentialSubject: { id: "did:example:a", undefinedTerm: 1 } }),
    );
    expect(res.status).toBe(400);
    expect((await readProblem(res)).errors?.[0]?.message).toContain("[json-ld]");
    expect(await t.store.conn().select().from(t.store.conn().t.vcApiCredentials)).toEqual([]);
  });

  it("refuses another issuer (422, naming the issuer rule)", async () => {
    const res = await issue(credentialV2("did:example:someone-else"));
    expect(res.status).toBe(422);
    const problem = await readProblem(res);
    expect(problem.code).toBe("UNPROCESSABLE");
    expect(problem.detail).toContain(issuer);
    expect(problem.errors?.[0]?.path).toBe("credential.issuer");
  });

  it.each([
    ["a credential that is not an object", { credential: ["x"] }, "credential"],
    ["no credential", { options: {} }, "credential"],
    ["an unknown cryptosuite", { credential: {}, options: { cryptosuite: "bbs-2023" } }, "options.cryptosuite"],
    ["a created that is not a date-time", { credential: {}, options: { created: "today" } }, "options.created"],
    [
      "an unknown status purpose",
      { credential: {}, options: { credentialStatus: { type: "BitstringStatusListEntry", statusPurpose: "refresh" } } },
      "options.credentialStatus.statusPurpose",
    ],
    ["an unknown envelope", { credential: {}, options: { envelope: "application/vc+cose" } }, "options.envelope"],
  ])("refuses %s (400 naming it)", async (_what, body, path) => {
    const res = await t.app.request("/credentials/issue", {
      method: "POST",
      headers: bearer(t.adminToken),
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.errors?.map((e) => e.path).join(" ")).toContain(path);
  });

  it("refuses the VC-JOSE-COSE envelope for a VCDM 1.1 credential (400)", async () => {
    const res = await issue(credentialV1(issuer), { envelope: "application/vc+jwt" });
    expect(res.status).toBe(400);
    expect((await readProblem(res)).errors?.[0]?.path).toBe("options.envelope");
  });
});
