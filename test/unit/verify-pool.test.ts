import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOb3SchemaValidator } from "../../src/compose.js";
import type { KeyringMaterial } from "../../src/crypto/keyring.js";
import { createSigningPool, type SigningPool } from "../../src/crypto/signing-pool.js";
import { analyseCredential } from "../../src/verify/engine.js";
import type { VerifyEnv } from "../../src/verify/environment.js";
import { runVerifyTask, type VerifyOutcome, type VerifyTask, verifyTaskOf } from "../../src/verify/verify-task.js";
import { credentialV2, ed25519DidKey, type Json, sign } from "../helpers/vc-signing.js";
import { credentialFor, type SigningFixture, signingFixture } from "./data-integrity-fixtures.js";

/**
 * Verification on the signing pool's workers (verify/verify-task.ts, SigningPool.host): the worker's analysis is the
 * main thread's; a worker that dies with a verification is replaced and the verification made again, never lost.
 */

let fx: SigningFixture;
let material: KeyringMaterial;
let env: VerifyEnv;
let dir: string;
const pools: SigningPool[] = [];
const FAULTY_WORKER = new URL("../fixtures/verify-worker-faults.ts", import.meta.url);

beforeAll(async () => {
  fx = await signingFixture();
  material = { keys: [fx.stored], did: fx.keyring.did, publicUrl: fx.publicUrl };
  env = {
    now: new Date("2026-03-02T09:30:00Z"),
    local: { did: fx.keyring.did, publicUrl: fx.publicUrl, didDocument: fx.keyring.didDocument, jwks: fx.keyring.jwks },
    ob3Schema: loadOb3SchemaValidator(),
  };
  dir = mkdtempSync(join(tmpdir(), "laurel-verify-pool-"));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function pool(onWorkerLost?: (error: Error) => void): Promise<SigningPool> {
  const created = await createSigningPool({ keys: material, size: 2, workerModule: FAULTY_WORKER, onWorkerLost });
  pools.push(created);
  return created;
}

async function taskFor(credential: Json): Promise<VerifyTask> {
  const text = JSON.stringify(credential);
  const task = verifyTaskOf(
    { ok: true, kind: "json", format: "json", standard: "ob3", text, from: "a test" },
    env,
    "vc",
  );
  expect(task).toBeDefined();
  return task as VerifyTask;
}

describe("verification on a worker of the signing pool", () => {
  it("gives the main thread's analysis", async () => {
    const ed = await ed25519DidKey();
    const credential = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    const threads = await pool();
    const read = (await taskFor(credential)).read;
    const expected = await analyseCredential(read, env, { profile: "vc" });
    expect(expected.fixed.map((c) => c.outcome)).toEqual(["passed", "passed", "passed", "passed"]);
    expect(await threads.host<VerifyOutcome>(await taskFor(credential))).toEqual({ ok: true, analysis: expected });
    expect(await runVerifyTask(await taskFor(credential))).toEqual({ ok: true, analysis: expected });
  });

  it("a worker that dies verifying is replaced and the verification made again on another", async () => {
    const ed = await ed25519DidKey();
    const marker = join(dir, "exit-once");
    const credential = await sign(credentialV2(ed.did, { "test:fault": { marker } }), ed, "eddsa-rdfc-2022");
    const lost: Error[] = [];
    const threads = await pool((error) => lost.push(error));
    const outcome = await threads.host<VerifyOutcome>(await taskFor(credential));
    expect(existsSync(marker)).toBe(true); // the worker did die
    expect(lost).toHaveLength(1);
    expect(outcome?.ok).toBe(true);
    expect(outcome?.ok && outcome.analysis.fixed.map((c) => c.id)).toEqual(["format", "schema", "proof", "issuer"]);
    expect(threads.threads).toHaveLength(2); // replaced
  });

  it("never holds a bulk job back: handed back while a bulk chunk waits, and beyond one per worker", async () => {
    const ed = await ed25519DidKey();
    const credential = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    const task = await taskFor(credential);
    const threads = await pool();
    // a bulk job's chunks on the pool: anyone's verification is made on the caller's thread until they are signed
    const entry = fx.catalog.entries[0]!;
    const credentials = Array.from({ length: 40 }, (_, i) => credentialFor(fx, entry, { index: i + 1 }));
    const job = threads.signCredentials({ credentials, created: fx.now, generation: 1, priority: "bulk" });
    expect(await threads.host<VerifyOutcome>(task)).toBeUndefined();
    expect(await job).toHaveLength(40);
    expect((await threads.host<VerifyOutcome>(task))?.ok).toBe(true);
    // three at once on two workers: the third is the caller's
    const three = await Promise.all([1, 2, 3].map(() => threads.host<VerifyOutcome>(task)));
    expect(three.map((o) => o?.ok)).toEqual([true, true, undefined]);
  });

  it("one lost twice is handed back (undefined): the caller verifies on its own thread", async () => {
    const ed = await ed25519DidKey();
    const credential = await sign(
      credentialV2(ed.did, { "test:fault": { marker: join(dir, "always"), always: true } }),
      ed,
      "eddsa-rdfc-2022",
    );
    const lost: Error[] = [];
    const threads = await pool((error) => lost.push(error));
    expect(await threads.host<VerifyOutcome>(await taskFor(credential))).toBeUndefined();
    expect(lost).toHaveLength(1);
  });

  it("fail-closed: another schema, or a check that wants the network, is left to the caller", async () => {
    const ed = await ed25519DidKey();
    const credential = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    expect(await runVerifyTask({ ...(await taskFor(credential)), schema: "another" })).toEqual({
      ok: false,
      reason: "schema",
    });
    const web = credentialV2("did:web:issuer.example", {});
    const signedWeb = {
      ...web,
      proof: {
        type: "DataIntegrityProof",
        cryptosuite: "eddsa-rdfc-2022",
        proofPurpose: "assertionMethod",
        verificationMethod: "did:web:issuer.example#key-1",
        created: "2026-02-01T00:00:00Z",
        proofValue: "z1111",
      },
    };
    expect(await runVerifyTask({ ...(await taskFor(signedWeb)), network: true })).toEqual({
      ok: false,
      reason: "network",
    });
    // without the network, the worker answers what the main thread answers without it: not checked
    const offline = await runVerifyTask(await taskFor(signedWeb));
    expect(offline).toEqual({
      ok: true,
      analysis: await analyseCredential((await taskFor(signedWeb)).read, env, { profile: "vc" }),
    });
  });
});
