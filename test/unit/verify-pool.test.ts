import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOb3SchemaValidator } from "../../src/compose.js";
import type { KeyringMaterial } from "../../src/crypto/keyring.js";
import { createSigningPool, type SigningPool } from "../../src/crypto/signing-pool.js";
import { verifyEmbeddedProofs } from "../../src/verify/embedded-proofs.js";
import type { VerifyEnv } from "../../src/verify/environment.js";
import {
  checkSignature,
  runSignatureTask,
  type SignatureCheck,
  type SignatureOutcome,
  type SignatureTask,
  type SignatureTaskOutcome,
} from "../../src/verify/signature-check.js";
import { type HostSignatures, SignatureQueue } from "../../src/verify/signature-queue.js";
import {
  credentialV1,
  credentialV2,
  ed25519DidKey,
  type Json,
  p256DidKey,
  type Suite,
  sign,
  tamper,
} from "../helpers/vc-signing.js";
import { credentialFor, type SigningFixture, signingFixture } from "./data-integrity-fixtures.js";

/**
 * A verification's signature checks on the signing pool's workers (verify/signature-check.ts, SigningPool.host,
 * verify/signature-queue.ts): the worker's outcome is the main thread's; a worker that dies with a check is replaced
 * and the check made again, never lost; what the pool cannot make is answered undefined (checked by the caller).
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

/** The signature checks verifying `credential` asks for, as verifyOneProof builds them. */
async function checksOf(credential: Json): Promise<SignatureCheck[]> {
  const checks: SignatureCheck[] = [];
  await verifyEmbeddedProofs(credential, {
    ...env,
    checkSignature: async (check) => {
      checks.push(check);
      return undefined;
    },
  });
  return checks;
}

async function oneCheck(credential: Json): Promise<SignatureCheck> {
  const [check] = await checksOf(credential);
  expect(check).toBeDefined();
  return check as SignatureCheck;
}

const task = (checks: SignatureCheck[]): SignatureTask => ({ kind: "signatures", checks });

describe("signature checks on a worker of the signing pool", () => {
  it("give the main thread's outcome, for every suite, intact and tampered, in one round trip", async () => {
    const ed = await ed25519DidKey();
    const p256 = await p256DidKey();
    const credentials: Json[] = [];
    for (const suite of ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"] as Suite[]) {
      const unsigned = suite === "Ed25519Signature2020" ? credentialV1(ed.did) : credentialV2(ed.did);
      credentials.push(await sign(unsigned, ed, suite));
    }
    credentials.push(await sign(credentialV2(p256.did), p256, "ecdsa-rdfc-2019"));
    const entry = fx.catalog.entries[0]!;
    const badge = { ...(credentialFor(fx, entry, { index: 1 }) as unknown as Json) };
    credentials.push(await sign({ ...badge, issuer: { ...badge.issuer, id: ed.did } }, ed, "eddsa-rdfc-2022"));
    const all = [...credentials, ...credentials.map((c) => tamper(c, ["id"]))];
    const checks = await Promise.all(all.map(oneCheck));
    const expected = await Promise.all(checks.map(checkSignature));
    expect(expected.map((o) => o.matched && o.verified)).toEqual([...all.map((_, i) => i < credentials.length)]);
    const threads = await pool();
    expect(await threads.host<SignatureTaskOutcome>(task(checks))).toEqual(expected);
    expect(await runSignatureTask(task(checks))).toEqual(expected);
  });

  it("a worker that dies checking is replaced and the check made again on another", async () => {
    const ed = await ed25519DidKey();
    const marker = join(dir, "exit-once");
    const check = await oneCheck(await sign(credentialV2(ed.did, { "test:fault": { marker } }), ed, "eddsa-rdfc-2022"));
    const lost: Error[] = [];
    const threads = await pool((error) => lost.push(error));
    const outcome = await threads.host<SignatureTaskOutcome>(task([check]));
    expect(existsSync(marker)).toBe(true); // the worker did die
    expect(lost).toHaveLength(1);
    expect(outcome).toEqual([{ matched: true, verified: true }]);
    expect(threads.threads).toHaveLength(2); // replaced
  });

  it("never holds a bulk job back: handed back while a bulk chunk waits, and beyond one per worker", async () => {
    const ed = await ed25519DidKey();
    const check = await oneCheck(await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022"));
    const threads = await pool();
    const entry = fx.catalog.entries[0]!;
    const credentials = Array.from({ length: 40 }, (_, i) => credentialFor(fx, entry, { index: i + 1 }));
    const job = threads.signCredentials({ credentials, created: fx.now, generation: 1, priority: "bulk" });
    expect(await threads.host<SignatureTaskOutcome>(task([check]))).toBeUndefined();
    expect(await job).toHaveLength(40);
    expect(await threads.host<SignatureTaskOutcome>(task([check]))).toEqual([{ matched: true, verified: true }]);
    const three = await Promise.all([1, 2, 3].map(() => threads.host<SignatureTaskOutcome>(task([check]))));
    expect(three.map((o) => o?.length)).toEqual([1, 1, undefined]);
  });

  it("one lost twice is handed back (undefined): the caller checks on its own thread", async () => {
    const ed = await ed25519DidKey();
    const always = { "test:fault": { marker: join(dir, "always"), always: true } };
    const check = await oneCheck(await sign(credentialV2(ed.did, always), ed, "eddsa-rdfc-2022"));
    const lost: Error[] = [];
    const threads = await pool((error) => lost.push(error));
    expect(await threads.host<SignatureTaskOutcome>(task([check]))).toBeUndefined();
    expect(lost).toHaveLength(1);
  });
});

describe("SignatureQueue", () => {
  const passed: SignatureOutcome = { matched: true, verified: true };

  it("keeps one task per worker in flight, batches the checks that wait, and answers each in order", async () => {
    const ed = await ed25519DidKey();
    const checks = await Promise.all(
      Array.from({ length: 6 }, async (_, i) =>
        oneCheck(await sign(credentialV2(ed.did, { id: `urn:uuid:${i}` }), ed, "eddsa-rdfc-2022")),
      ),
    );
    const sent: number[] = [];
    let inFlight = 0;
    let most = 0;
    const host: HostSignatures = async (t) => {
      sent.push(t.checks.length);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return runSignatureTask(t);
    };
    const queue = new SignatureQueue(3);
    const outcomes = await Promise.all(checks.map((c) => queue.check(c, host, 2)));
    expect(outcomes).toEqual(checks.map(() => passed));
    expect(most).toBe(2);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Math.max(...sent)).toBeLessThanOrEqual(3);
    expect(sent.length).toBeLessThan(6); // batched
    expect(queue.waiting).toBe(0);
    expect(queue.inFlight).toBe(0);
  });

  it("hands a check back at once when every worker is busy and a full batch already waits: no unbounded wait", async () => {
    const ed = await ed25519DidKey();
    const check = await oneCheck(await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022"));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sent: number[] = [];
    const host: HostSignatures = async (t) => {
      sent.push(t.checks.length);
      await held;
      return runSignatureTask(t);
    };
    const queue = new SignatureQueue(2);
    const first = [queue.check(check, host, 1), queue.check(check, host, 1)]; // a full batch: sent at once
    const second = [queue.check(check, host, 1), queue.check(check, host, 1)]; // waits behind it, full
    expect(queue.inFlight).toBe(1);
    expect(queue.waiting).toBe(2);
    expect(await queue.check(check, host, 1)).toBeUndefined(); // not a third wait: made by the caller
    release();
    expect(await Promise.all([...first, ...second])).toEqual([passed, passed, passed, passed]);
    expect(sent).toEqual([2, 2]);
  });

  it("answers undefined where the pool refused, threw, or a check threw there; and with no worker", async () => {
    const ed = await ed25519DidKey();
    const check = await oneCheck(await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022"));
    const queue = new SignatureQueue();
    expect(await queue.check(check, async () => undefined, 2)).toBeUndefined();
    expect(await queue.check(check, async () => Promise.reject(new Error("lost")), 2)).toBeUndefined();
    expect(await queue.check(check, async () => [null], 2)).toBeUndefined();
    let asked = false;
    const never: HostSignatures = async () => {
      asked = true;
      return [passed];
    };
    expect(await queue.check(check, never, 0)).toBeUndefined();
    expect(asked).toBe(false);
  });
});
