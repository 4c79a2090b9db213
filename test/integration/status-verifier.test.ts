import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { verifyCredential } from "@digitalcredentials/verifier-core";
import { serve } from "@hono/node-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { issue } from "../helpers/http.js";
import { lifecycle, makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

// verifier-core resolves DIDs through a process-wide cache (5 s): test files share their worker's modules
// (vitest.config.ts), so this file's issuer has a host of its own, which no other file's cached DID can match.
const PUBLIC_URL = "https://status-verifier.badges.test";

/**
 * The Digital Credentials Consortium verifier (VerifierPlus, Learner Credential Wallet), offline, checking our status
 * lists as served by a real HTTP server on 127.0.0.1: the app runs under @hono/node-server on a loopback port, and the
 * verifier's fetches of https://status-verifier.badges.test/… are sent to that port over real HTTP (our public URL has to be https
 * for did:web, so the origin is rewritten; the request path, headers and bytes are the real ones). The OB schema is
 * answered from shared/; every other URL fails, so nothing leaves the machine.
 */
const OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
const obSchema = readFileSync("../shared/schemas/ob3/ob_v3p0_achievementcredential_schema.json", "utf8");
const realFetch = globalThis.fetch;

let t: TestApp;
let server: ReturnType<typeof serve>;
let origin: string;
const fetched: string[] = [];

beforeAll(async () => {
  t = await makeTestApp({ now: new Date(), env: { LAUREL_PUBLIC_URL: PUBLIC_URL } });
  makeSuspendable(t, "field-product-certification-sales");
  server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});
beforeEach(() => {
  fetched.length = 0;
  vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    fetched.push(url);
    if (url.startsWith(`${PUBLIC_URL}/`)) {
      return realFetch(`${origin}${url.slice(PUBLIC_URL.length)}`, {
        method: init?.method ?? "GET",
        headers: input instanceof Request ? input.headers : init?.headers,
      });
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

type DccCredential = Parameters<typeof verifyCredential>[0]["credential"];
type DccResult = {
  errors?: Array<{ message?: string }>;
  log?: Array<{ id: string; valid?: boolean; error?: unknown }>;
  additionalInformation?: Array<{ id: string; results?: Array<{ result?: { valid?: boolean } }> }>;
};

async function dcc(credential: Record<string, unknown>): Promise<Record<string, boolean | undefined>> {
  const result = (await verifyCredential({
    credential: credential as unknown as DccCredential,
    knownDIDRegistries: [],
  })) as DccResult;
  expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
  const schema = result.additionalInformation?.find((i) => i.id === "schema_check")?.results?.[0]?.result?.valid;
  return { ...Object.fromEntries((result.log ?? []).map((e) => [e.id, e.valid])), schema_check: schema };
}

describe("an independent verifier reading our status lists over loopback HTTP", () => {
  it("reports an issued credential as not revoked, then as revoked once we revoke it", async () => {
    const { credential, id } = await issue(t, { achievementId: "gitlab-certified-associate" });
    const before = await dcc(credential);
    expect(before).toMatchObject({ valid_signature: true, revocation_status: true, schema_check: true });
    expect(fetched).toContain(`${PUBLIC_URL}/status-lists/1`);

    expect((await lifecycle(t, id, "revoke", { reason: "fraud", reasonPublic: true })).status).toBe(200);
    const after = await dcc(credential);
    expect(after).toMatchObject({ valid_signature: true, revocation_status: false });
  });

  it("reports a suspended credential as failing its suspension status, and valid again once reinstated", async () => {
    const { credential, id } = await issue(t, { achievementId: "field-product-certification-sales" });
    // Two entries make `credentialStatus` an array, which the OB 3.0 JSON Schema (0..1) flags: a non-fatal warning
    // here, the price of a suspension status verifiers can see (see domain/status/status-list-credential.ts).
    expect(await dcc(credential)).toMatchObject({
      revocation_status: true,
      suspension_status: true,
      schema_check: false,
    });

    expect((await lifecycle(t, id, "suspend", { reason: "audit pending" })).status).toBe(200);
    expect(await dcc(credential)).toMatchObject({
      valid_signature: true,
      revocation_status: true,
      suspension_status: false,
    });

    expect((await lifecycle(t, id, "reinstate", { reason: "audit passed" })).status).toBe(200);
    expect(await dcc(credential)).toMatchObject({
      valid_signature: true,
      revocation_status: true,
      suspension_status: true,
    });
  });
});
