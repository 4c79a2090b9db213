import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { generateIssuerKey, type StoredIssuerKey } from "../../src/crypto/issuer-keys.js";
import type { HostedTask } from "../../src/crypto/signing-pool.js";
import type { SignatureTaskOutcome } from "../../src/verify/signature-check.js";
import { onPostgres } from "../helpers/database.js";
import { readProblem } from "../helpers/http.js";
import { makeTestApp, TEST_START, type TestApp } from "../helpers/make-app.js";
import {
  credentialV1,
  credentialV2,
  ed25519DidKey,
  type Json,
  p256DidKey,
  sign,
  tamper,
} from "../helpers/vc-signing.js";
import { documentsFetch, interopFixture } from "../helpers/verify.js";
import { CREDENTIAL_SHAPES, credentialFor, signingFixture } from "../unit/data-integrity-fixtures.js";

/**
 * POST /credentials/verify with the signature checks made on the signing pool's workers (issue 16, target 3): every
 * answer is, byte for byte, the answer of the same service verifying on its main thread; a check whose task the pool
 * cannot make is made on the main thread, never lost.
 */

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** Two services on the same keys and clock: one verifying on its main thread, one on two workers (counted). */
async function pair(options: { remote?: Record<string, unknown> } = {}) {
  const keys: StoredIssuerKey[] = [await generateIssuerKey(1, TEST_START)];
  const env = (threads: string): Record<string, string> => ({
    LAUREL_VERIFY_RATE_LIMIT: "100000",
    LAUREL_SIGNING_THREADS: threads,
    ...(options.remote ? { LAUREL_VERIFY_REMOTE: "true" } : {}),
  });
  const fetchRemote = options.remote ? documentsFetch(options.remote).fetchRemote : undefined;
  const main = await makeTestApp({ keys, env: env("0"), ...(fetchRemote ? { fetchRemote } : {}) });
  apps.push(main);
  const pooled = await makeTestApp({ keys, env: env("2"), ...(fetchRemote ? { fetchRemote } : {}) });
  apps.push(pooled);
  expect(main.ctx.signing.size).toBe(0);
  expect(pooled.ctx.signing.size).toBe(2);
  const outcomes: Array<SignatureTaskOutcome | undefined> = [];
  pooled.ctx.state.verifications.onWorkerFrom = 0; // every verification to the pool, even one alone
  const hostOnPool = pooled.ctx.signing.host;
  pooled.ctx.signing.host = async <Outcome>(task: HostedTask) => {
    const outcome = await hostOnPool<Outcome>(task);
    outcomes.push(outcome as SignatureTaskOutcome | undefined);
    return outcome;
  };
  return { main, pooled, outcomes };
}

async function answer(t: TestApp, verifiableCredential: unknown, options?: Json) {
  const res = await t.app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ verifiableCredential, ...(options ? { options } : {}) }),
  });
  const body = (res.status === 200 ? await res.json() : await readProblem(res)) as Json;
  const { requestId: _differs, ...same } = body; // a problem names its request
  return { status: res.status, body: same };
}

/**
 * Others' credentials of many kinds: OB 3.0 of every catalog certification and shape, VCDM 1.1 and 2.0, other suites.
 * Signed once per file (the two tests that use them compare two services' answers on the same documents): each call
 * gets a copy of its own.
 */
let signedForeign: Promise<Array<{ name: string; credential: Json }>> | undefined;
async function foreignCredentials(): Promise<Array<{ name: string; credential: Json }>> {
  signedForeign ??= signForeignCredentials();
  return structuredClone(await signedForeign);
}

async function signForeignCredentials(): Promise<Array<{ name: string; credential: Json }>> {
  const fx = await signingFixture();
  const ed = await ed25519DidKey();
  const p256 = await p256DidKey();
  const out: Array<{ name: string; credential: Json }> = [];
  let index = 0;
  for (const [shapeName, shape] of Object.entries(CREDENTIAL_SHAPES)) {
    const entry = fx.catalog.entries[index % fx.catalog.entries.length];
    index += 1;
    const unsigned = credentialFor(fx, entry!, { ...shape, index }) as unknown as Json;
    const credential = await sign(
      {
        ...unsigned,
        id: `urn:uuid:0b9c0a4e-4d0b-4c8e-9a53-${String(index).padStart(12, "0")}`,
        issuer: { ...unsigned.issuer, id: ed.did },
      },
      ed,
      "eddsa-rdfc-2022",
    );
    out.push({ name: `OB 3.0 ${shapeName}`, credential });
    out.push({ name: `OB 3.0 ${shapeName}, tampered`, credential: tamper(credential, ["name"]) });
  }
  out.push({ name: "VCDM 2.0, eddsa-rdfc-2022", credential: await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022") });
  out.push({ name: "VCDM 2.0, eddsa-jcs-2022", credential: await sign(credentialV2(ed.did), ed, "eddsa-jcs-2022") });
  out.push({
    name: "VCDM 2.0, ecdsa-rdfc-2019",
    credential: await sign(credentialV2(p256.did), p256, "ecdsa-rdfc-2019"),
  });
  out.push({
    name: "VCDM 1.1, Ed25519Signature2020",
    credential: await sign(credentialV1(ed.did), ed, "Ed25519Signature2020"),
  });
  const expiring = await sign(credentialV2(ed.did, { validUntil: "2026-01-01T00:00:00Z" }), ed, "eddsa-rdfc-2022");
  out.push({ name: "VCDM 2.0, expired", credential: expiring });
  out.push({ name: "no proof", credential: credentialV2(ed.did) });
  out.push({ name: "not a credential", credential: { type: ["Thing"], id: "urn:x" } });
  out.push({
    name: "another issuer than the signer",
    credential: await sign(credentialV2("did:example:other"), ed, "eddsa-rdfc-2022"),
  });
  for (const file of readdirSync("../shared/fixtures/interop")) {
    if (file.endsWith(".json") && !file.includes("schema") && !file.includes("did.json")) {
      const value = JSON.parse(interopFixture(file).toString("utf8")) as Json;
      if (Array.isArray(value.type) || typeof value.type === "string") {
        out.push({ name: `interop ${file}`, credential: value });
      }
    }
  }
  return out;
}

describe("POST /credentials/verify on the signing pool's workers", () => {
  // The two comparisons over many credentials run once, in the sqlite project: both services of a pair are on the same
  // database, so what is compared (a worker's answer against the main thread's) does not depend on which; all their
  // requests read or write besides (the rate limit, our status lists) is the code the other verify tests of the pg
  // project run. The three tests of when a worker is asked run on both.
  it.skipIf(onPostgres)(
    "answers every credential exactly as the main thread does (all checks, then proof only)",
    {
      timeout: 120_000,
    },
    async () => {
      const { main, pooled, outcomes } = await pair();
      const credentials = await foreignCredentials();
      const statuses = new Set<number>();
      for (const { name, credential } of credentials) {
        for (const options of [undefined, { checks: ["proof"] }]) {
          const expected = await answer(main, credential, options);
          expect(await answer(pooled, credential, options), name).toEqual(expected);
          statuses.add(expected.status);
        }
      }
      expect([...statuses].sort()).toEqual([200, 400]); // verified and not
      // the signatures of the first request of each credential with a proof to check went to a worker (the second is
      // answered from the memo), and the workers checked every one
      expect(outcomes.length).toBeGreaterThanOrEqual(credentials.length / 2);
      expect(outcomes.every((o) => o?.every((check) => check !== null))).toBe(true);
    },
  );

  it.skipIf(onPostgres)(
    "and so does /api/verify (the Open Badges profile, with the display), for the same credentials",
    {
      timeout: 120_000,
    },
    async () => {
      const { main, pooled, outcomes } = await pair();
      const credentials = (await foreignCredentials()).filter((_, i) => i % 3 === 0);
      const report = async (t: TestApp, credential: Json) => {
        const res = await t.app.request("/api/verify", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ credential: JSON.stringify(credential) }),
        });
        return { status: res.status, body: await res.json() };
      };
      for (const { name, credential } of credentials) {
        expect(await report(pooled, credential), name).toEqual(await report(main, credential));
      }
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.every((o) => o?.every((check) => check !== null))).toBe(true);
    },
  );

  it("with remote resolution on: keys read over the network on the main thread, signatures on a worker, same answer", {
    timeout: 60_000,
  }, async () => {
    const oidf = "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json";
    const { main, pooled, outcomes } = await pair({
      remote: { [oidf]: interopFixture("dcc-did-web-oidf-did.json").toString("utf8") },
    });
    const ed = await ed25519DidKey();
    const offline = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    const remote = JSON.parse(interopFixture("dcc-v2-didweb-eddsa.json").toString("utf8")) as Json;
    const fragment = JSON.parse(interopFixture("1edtech-ob30-simple.json").toString("utf8")) as Json;
    for (const credential of [offline, remote, fragment]) {
      expect(await answer(pooled, credential)).toEqual(await answer(main, credential));
    }
    expect(outcomes.map((o) => o?.map((check) => check?.matched && check.verified))).toEqual([[true], [true], [true]]);
  });

  it("a verification alone is made on the main thread; one while others are in progress goes to a worker", {
    timeout: 60_000,
  }, async () => {
    const { main, pooled, outcomes } = await pair();
    pooled.ctx.state.verifications.onWorkerFrom = 1; // from one in progress on (the default keeps small ones here)
    const ed = await ed25519DidKey();
    const credentials = await Promise.all(
      [1, 2, 3].map((i) =>
        sign(credentialV2(ed.did, { id: `urn:uuid:5e0c1d2a-0000-4000-8000-00000000000${i}` }), ed, "eddsa-rdfc-2022"),
      ),
    );
    const expected = await Promise.all(credentials.map((c) => answer(main, c)));
    expect(await answer(pooled, credentials[0])).toEqual(expected[0]);
    expect(outcomes).toHaveLength(0); // alone: this thread
    expect(pooled.ctx.state.verifications.analysing).toBe(0);
    pooled.ctx.state.verifications.analysing = 1; // as if another were in progress
    expect(await answer(pooled, credentials[1])).toEqual(expected[1]);
    expect(outcomes.map((o) => o?.length)).toEqual([1]);
    expect(pooled.ctx.state.verifications.analysing).toBe(1);
    pooled.ctx.state.verifications.analysing = 0;
    expect(await answer(pooled, credentials[2])).toEqual(expected[2]);
    expect(outcomes).toHaveLength(1);
    // a large credential alone: its signature on a worker (its canonicalisation would hold this thread long)
    const large = await sign(
      credentialV2(ed.did, { description: "x".repeat(20_000), id: "urn:uuid:5e0c1d2a-0000-4000-8000-000000000004" }),
      ed,
      "eddsa-rdfc-2022",
    );
    expect(await answer(pooled, large)).toEqual(await answer(main, large));
    expect(outcomes.map((o) => o?.length)).toEqual([1, 1]);
  });

  it("a task the pool cannot make (no worker answered) is verified on the main thread", async () => {
    const { main, pooled } = await pair();
    pooled.ctx.signing.host = async () => undefined;
    const ed = await ed25519DidKey();
    const credential = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    const expected = await answer(main, credential);
    expect(expected.status).toBe(200);
    expect(await answer(pooled, credential)).toEqual(expected);
  });
});
