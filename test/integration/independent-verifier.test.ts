import { readFileSync } from "node:fs";
import { verifyCredential } from "@digitalcredentials/verifier-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

// verifier-core resolves DIDs through a process-wide cache (5 s): test files share their worker's modules
// (vitest.config.ts), so this file's issuer has a host of its own, which no other file's cached DID can match.
const PUBLIC_URL = "https://independent-verifier.badges.test";

/**
 * The Digital Credentials Consortium verifier (used by VerifierPlus and the Learner Credential
 * Wallet), installed from npm and run offline: it resolves our did:web by fetching
 * https://independent-verifier.badges.test/.well-known/did.json, which this test answers from the app in-process.
 * The OB 3.0 schema it asks for is answered from the official copy in shared/. Every other fetch
 * fails, so nothing leaves the machine.
 */
const OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
const obSchema = readFileSync("../shared/schemas/ob3/ob_v3p0_achievementcredential_schema.json", "utf8");

let t: TestApp;
const fetched: string[] = [];
// One app (one issuer key) for the whole file: verifier-core caches resolved DIDs for the process.
beforeAll(async () => {
  t = await makeTestApp({ now: new Date(), env: { LAUREL_PUBLIC_URL: PUBLIC_URL } });
});
afterAll(() => t.close());
beforeEach(() => {
  fetched.length = 0;
  vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    fetched.push(url);
    if (url.startsWith(`${PUBLIC_URL}/`)) {
      return t.app.request(url, { method: init?.method ?? "GET" });
    }
    if (url === OB_SCHEMA_URL) {
      return new Response(obSchema, { headers: { "content-type": "application/json" } });
    }
    throw new TypeError(`network disabled in tests: ${url}`);
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

type LogEntry = { id: string; valid: boolean };
type DccCredential = Parameters<typeof verifyCredential>[0]["credential"];
type DccResult = {
  errors?: Array<{ message?: string }>;
  log?: LogEntry[];
  additionalInformation?: Array<{ id: string; results?: Array<{ result?: { valid?: boolean } }> }>;
};

describe("@digitalcredentials/verifier-core (independent verifier)", () => {
  it("accepts a credential we issued: valid signature, not expired", async () => {
    const { credential } = await issue(t, { achievementId: "field-product-certification-sales" });
    const result = (await verifyCredential({
      credential: credential as DccCredential,
      knownDIDRegistries: [],
    })) as DccResult;
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    const log = Object.fromEntries((result.log ?? []).map((e) => [e.id, e.valid]));
    expect(log.valid_signature).toBe(true);
    expect(log.expiration).toBe(true);
    expect(fetched).toContain(`${PUBLIC_URL}/.well-known/did.json`);
    const schemaCheck = result.additionalInformation?.find((i) => i.id === "schema_check");
    expect(schemaCheck?.results?.map((r) => r.result?.valid)).toEqual([true]);
  });

  it("rejects the same credential once a signed field is changed", async () => {
    const { credential } = await issue(t);
    const verify = async (c: Record<string, unknown>) =>
      (await verifyCredential({ credential: c as unknown as DccCredential, knownDIDRegistries: [] })) as DccResult;
    const original = await verify(credential);
    expect(original.log?.find((e) => e.id === "valid_signature")?.valid).toBe(true);

    const tampered = structuredClone(credential);
    tampered.credentialSubject.identifier[1].identityHash = "Mallory";
    const result = await verify(tampered);
    expect(result.log?.find((e) => e.id === "valid_signature")?.valid).not.toBe(true);
    expect(JSON.stringify(result.errors ?? [])).toMatch(/signature is not valid/i);
  });
});
