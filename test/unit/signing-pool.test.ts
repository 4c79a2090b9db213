import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JsonObject, signDataIntegrity } from "../../src/crypto/data-integrity.js";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { generateIssuerKey, retireIssuerKey } from "../../src/crypto/issuer-keys.js";
import { createKeyring, didDocuments, type IssuerKeyring, type KeyringMaterial } from "../../src/crypto/keyring.js";
import {
  chunksOf,
  createSigningPool,
  DEFAULT_TASKS_PER_WORKER,
  type SignedCredential,
  SigningError,
  type SigningPool,
  type SigningPoolOptions,
} from "../../src/crypto/signing-pool.js";
import { signVcJwt } from "../../src/crypto/vc-jwt.js";
import type { CredentialRecipes } from "../../src/domain/credential/recipe.js";
import {
  CREDENTIAL_SHAPES,
  credentialFor,
  recipeFor,
  type SigningFixture,
  signingFixture,
  stockSign,
  stockVerifies,
} from "./data-integrity-fixtures.js";

/**
 * The signing pool (src/crypto/signing-pool.ts): what its workers sign is what the main thread and the stock library
 * sign, in the input's order, whatever happens to a worker meanwhile.
 */

let fx: SigningFixture;
let material: KeyringMaterial;
let dir: string;
const pools: SigningPool[] = [];
const FAULTY_WORKER = new URL("../fixtures/signing-worker-faults.ts", import.meta.url);

async function pool(options: Partial<SigningPoolOptions> = {}): Promise<SigningPool> {
  const created = await createSigningPool({ keys: material, size: 2, ...options });
  pools.push(created);
  return created;
}

/**
 * A pool shared by the tests that ask for the same plain options (sizes and chunk sizes only) and leave it as they
 * found it: each worker imports signing and verifying under tsx (most of a second), so starting two per test was most
 * of this file's time. A test that kills or holds a worker, watches lost workers or rotates keys starts its own.
 */
const sharedPools = new Map<string, Promise<SigningPool>>();
function sharedPool(options: { size?: number; chunkSize?: number } = {}): Promise<SigningPool> {
  const key = JSON.stringify([options.size ?? 2, options.chunkSize ?? null]);
  let shared = sharedPools.get(key);
  if (!shared) {
    shared = pool(options);
    sharedPools.set(key, shared);
  }
  return shared;
}

/** A batch of distinct credentials (ids, recipients, status indexes), of every certification in turn. */
function batch(count: number, from = 1): JsonObject[] {
  const entries = fx.catalog.entries;
  return Array.from({ length: count }, (_, i) =>
    credentialFor(fx, entries[i % entries.length]!, { index: from + i, evidence: i % 2 === 0 }),
  );
}

/**
 * The VC-JWT verifies with the signing generation's public JWK (ES256 is randomised: no byte comparison), and its
 * header and payload are those signVcJwt gives over the same signed document.
 */
async function expectJwtOf(signed: SignedCredential, keyring: IssuerKeyring = fx.keyring) {
  const signer = keyring.active;
  const jwk = keyring.jwks.find((k) => k.kid === signer.jwtKid) as JWK;
  const publicKey = await importJWK(jwk, "ES256");
  const reference = await signVcJwt({
    credential: signed.document,
    kid: signer.jwtKid,
    privateKey: signer.jwtPrivateKey,
  });
  const text = async (jwt: string) => new TextDecoder().decode((await compactVerify(jwt, publicKey)).payload);
  expect(await text(signed.jwt)).toBe(await text(reference));
  expect(decodeProtectedHeader(signed.jwt)).toEqual(decodeProtectedHeader(reference));
  expect(signed.verificationMethod).toBe(signer.verificationMethod);
}

beforeAll(async () => {
  fx = await signingFixture();
  material = { keys: [fx.stored], did: fx.keyring.did, publicUrl: fx.publicUrl };
  dir = mkdtempSync(join(tmpdir(), "laurel-signing-pool-"));
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe("the pool signs what the main thread and the stock library sign", () => {
  it("for every catalog certification in every credential shape, byte for byte, with the matching VC-JWT", async () => {
    const threads = await sharedPool({ chunkSize: 5 });
    expect(threads.size).toBe(2);
    const credentials: JsonObject[] = [];
    for (const entry of fx.catalog.entries) {
      for (const shape of Object.values(CREDENTIAL_SHAPES)) {
        credentials.push(credentialFor(fx, entry, { ...shape, index: credentials.length + 1 }));
      }
    }
    const signed = await threads.signCredentials({ credentials, created: fx.now, generation: 1 });
    expect(signed).toHaveLength(credentials.length);
    for (const [i, credential] of credentials.entries()) {
      const out = signed[i]!;
      const expected = JSON.stringify(await stockSign(fx, credential));
      expect(JSON.stringify(out.document), String(credential.id)).toBe(expected);
      const mainThread = await signDataIntegrity({
        credential: structuredClone(credential),
        signer: fx.keyring.active,
        documentLoader: fx.documentLoader,
        now: fx.now,
      });
      expect(JSON.stringify(mainThread)).toBe(expected);
      await expectJwtOf(out);
    }
  });

  it.each([
    ["worker threads", 2],
    ["the main thread", 0],
  ])(
    "the same bytes from recipes, built on %s: every certification in every shape, sharing their achievements",
    async (_, size) => {
      const threads = await sharedPool({ size, chunkSize: 5 });
      const credentials: JsonObject[] = [];
      const recipes: CredentialRecipes = { issuer: fx.issuer, achievements: [], recipes: [] };
      for (const [place, entry] of fx.catalog.entries.entries()) {
        for (const shape of Object.values(CREDENTIAL_SHAPES)) {
          const index = credentials.length + 1;
          const { recipe, achievement } = recipeFor(fx, entry, { ...shape, index });
          recipes.achievements[place] ??= achievement;
          recipes.recipes.push({ ...recipe, achievement: place });
          credentials.push(credentialFor(fx, entry, { ...shape, index }));
        }
      }
      const sent = structuredClone(recipes);
      const signed = await threads.signCredentials({ recipes, created: fx.now, generation: 1 });
      expect(recipes).toEqual(sent); // the caller's recipes are left as they were
      expect(signed).toHaveLength(credentials.length);
      for (const [i, credential] of credentials.entries()) {
        const out = signed[i]!;
        const expected = JSON.stringify(await stockSign(fx, credential));
        expect(out.json, String(credential.id)).toBe(expected);
        await expectJwtOf(out);
      }
    },
  );

  it("and so does the main thread alone (size 0), yielding to the event loop between chunks", async () => {
    const alone = await pool({ size: 0, chunkSize: 2 });
    const credentials = batch(10);
    const events: string[] = [];
    const signing = alone.signCredentials({ credentials, created: fx.now, generation: 1 }).then((signed) => {
      events.push("signed");
      return signed;
    });
    setImmediate(() => events.push("event loop turned"));
    const signed = await signing;
    expect(events).toEqual(["event loop turned", "signed"]);
    expect(credentials.filter((c) => "proof" in c)).toEqual([]); // the caller's credentials are left as they were
    for (const [i, credential] of credentials.entries()) {
      expect(JSON.stringify(signed[i]!.document)).toBe(JSON.stringify(await stockSign(fx, credential)));
      await expectJwtOf(signed[i]!);
    }
  });

  it("one credential at a time, at another created time", async () => {
    const threads = await sharedPool();
    const [credential] = batch(1, 500);
    const created = new Date("2027-12-31T23:59:59Z");
    const signed = await threads.signCredential({ credential: credential!, created, generation: 1 });
    expect(JSON.stringify(signed.document)).toBe(JSON.stringify(await stockSign(fx, credential!, created)));
    await expectJwtOf(signed);
  });
});

describe("a batch shares the workers", () => {
  it("a credential asked for while a large batch signs waits for a few chunks, not for the batch", async () => {
    const threads = await pool({ chunkSize: 2 });
    const order: string[] = [];
    const large = threads
      .signCredentials({ credentials: batch(120, 600), created: fx.now, generation: 1 })
      .then(() => order.push("batch"));
    const [one] = batch(1, 800);
    const single = threads
      .signCredential({ credential: one!, created: fx.now, generation: 1 })
      .then(() => order.push("single"));
    await Promise.all([large, single]);
    expect(order).toEqual(["single", "batch"]);
  });
});

describe("a batch's chunks", () => {
  it("are at most the chunk size, as even as they can be, and a small batch is shared over the workers", () => {
    const sizes = (count: number, chunkSize: number, workers = 2) =>
      chunksOf({ credentials: batch(count), created: fx.now, generation: 1 }, chunkSize, workers).map(
        (c) => ("credentials" in c ? c.credentials : c.recipes.recipes).length,
      );
    expect(sizes(25, 8)).toEqual([7, 6, 6, 6]); // not 8, 8, 8 and 1
    expect(sizes(24, 8)).toEqual([8, 8, 8]);
    expect(sizes(100, 32)).toEqual([25, 25, 25, 25]);
    expect(sizes(5, 32)).toEqual([3, 2]);
    expect(sizes(1, 8)).toEqual([1]);
    expect(sizes(7, 8, 0)).toEqual([7]);
    // recipes: in order, each chunk with the batch's shared parts
    const entry = fx.catalog.entries[0]!;
    const recipes: CredentialRecipes = {
      issuer: fx.issuer,
      achievements: [recipeFor(fx, entry).achievement],
      recipes: Array.from({ length: 13 }, (_, i) => ({
        ...recipeFor(fx, entry, { index: i + 1 }).recipe,
        achievement: 0,
      })),
    };
    const chunks = chunksOf({ recipes, created: fx.now, generation: 1 }, 4, 2).map((c) =>
      "recipes" in c ? c.recipes : undefined,
    );
    expect(chunks.map((c) => c?.recipes.length)).toEqual([4, 3, 3, 3]);
    expect(chunks.flatMap((c) => c?.recipes ?? [])).toEqual(recipes.recipes);
    for (const chunk of chunks) {
      expect(chunk?.issuer).toBe(recipes.issuer);
      expect(chunk?.achievements).toBe(recipes.achievements);
    }
  });
});

describe("a worker holds its next task while it signs one", () => {
  it("so it signs on while the main thread is busy (a write transaction does not yield): no word from the pool needed", async () => {
    const threads = await pool({ size: 1, workerModule: FAULTY_WORKER });
    const [first, second] = batch(2, 950);
    const marker = join(dir, `mark-${Math.random().toString(36).slice(2)}`);
    const signing = [
      threads.signCredentials({ credentials: [first!], created: fx.now, generation: 1 }),
      threads.signCredentials({
        credentials: [{ ...second!, "test:fault": { mode: "mark", marker } }],
        created: fx.now,
        generation: 1,
      }),
    ];
    // The main thread blocks from here on, as while it stores a batch: the only worker can sign the second task only if
    // it was handed it with the first. (Bounded, so that a pool that does not do so fails here rather than hangs.)
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !existsSync(marker) && waited < 15_000; waited += 10) {
      Atomics.wait(pause, 0, 0, 10);
    }
    expect(existsSync(marker)).toBe(true);
    const signed = (await Promise.all(signing)).flat();
    await expectWholeBatch([first!, second!], signed);
  });
});

/** The marker a FAULTY_WORKER creates when it is handed the credential carrying it (`"test:arrived"`). */
function arrived(latch: string, n: number): string {
  return `${latch}-arrived-${n}`;
}

/** Waits until every marker exists (bounded: a worker never handed the task fails the test rather than hangs it). */
async function held(markers: string[]): Promise<void> {
  for (let waited = 0; !markers.every((m) => existsSync(m)) && waited < 15_000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(markers.filter((m) => !existsSync(m))).toEqual([]);
}

/**
 * Signing through `threads` with each batch labelled, `order` listing the labels in the order their batches were
 * signed; `latch`: a marker file a FAULTY_WORKER credential of mode "latch" waits for.
 */
function labelled(threads: SigningPool) {
  const latch = join(dir, `latch-${Math.random().toString(36).slice(2)}`);
  const order: string[] = [];
  const sign = (label: string, credentials: JsonObject[], priority: "interactive" | "bulk") =>
    threads.signCredentials({ credentials, created: fx.now, generation: 1, priority }).then((signed) => {
      order.push(label);
      return signed;
    });
  return { latch, order, sign };
}

describe("interactive batches go before bulk ones", () => {
  it("a request's credential submitted after queued bulk tasks is signed before them, each lane in its order", async () => {
    // a worker holding two tasks at most: the order of the queue alone (the worker's own is tested below)
    const threads = await pool({ size: 1, workerModule: FAULTY_WORKER, tasksPerWorker: 2 });
    const { latch, order, sign } = labelled(threads);
    const [first, ...rest] = batch(6, 900);
    // The only worker holds the first bulk task until the latch opens, and the second waiting in it (a worker is handed
    // its next task while it signs one); two more bulk tasks and two interactive ones wait in the queue meanwhile,
    // submitted in this order.
    const running = sign("bulk 1", [{ ...first!, "test:fault": { mode: "latch", marker: latch } }], "bulk");
    const waiting = [
      sign("bulk 2", [{ ...rest[0]!, "test:arrived": arrived(latch, 2) }], "bulk"),
      sign("bulk 3", [rest[1]!], "bulk"),
      sign("interactive 1", [rest[2]!], "interactive"),
      sign("bulk 4", [rest[3]!], "bulk"),
      sign("interactive 2", [rest[4]!], "interactive"),
    ];
    // the latch opens once the worker holds the second task (handed it while it signs the first), not before
    await held([arrived(latch, 2)]);
    writeFileSync(latch, "open");
    const signed = await Promise.all([running, ...waiting]);
    expect(order).toEqual(["bulk 1", "bulk 2", "interactive 1", "interactive 2", "bulk 3", "bulk 4"]);
    await expectWholeBatch([first!, ...rest.slice(0, 5)], signed.flat());
  });
});

describe("a worker runs the interactive tasks it holds before its bulk ones", () => {
  it("so holding several bulk chunks does not make a request's chunk wait for them", async () => {
    const threads = await pool({ size: 1, workerModule: FAULTY_WORKER, tasksPerWorker: 4 });
    const { latch, order, sign } = labelled(threads);
    const [first, ...rest] = batch(4, 850);
    // The only worker holds all four (the first signing until the latch opens): the pool's queue plays no part.
    const running = sign("bulk 1", [{ ...first!, "test:fault": { mode: "latch", marker: latch } }], "bulk");
    const holding = [
      sign("bulk 2", [{ ...rest[0]!, "test:arrived": arrived(latch, 2) }], "bulk"),
      sign("bulk 3", [{ ...rest[1]!, "test:arrived": arrived(latch, 3) }], "bulk"),
      sign("interactive", [{ ...rest[2]!, "test:arrived": arrived(latch, 4) }], "interactive"),
    ];
    // the latch opens once the worker holds all four (on a loaded machine the last may reach it after the first is
    // signed, and would then rightly be run after a bulk task it found there)
    await held([2, 3, 4].map((n) => arrived(latch, n)));
    writeFileSync(latch, "open");
    const signed = await Promise.all([running, ...holding]);
    expect(order).toEqual(["bulk 1", "interactive", "bulk 2", "bulk 3"]);
    await expectWholeBatch([first!, ...rest], signed.flat());
  });
});

describe("a credential that cannot be signed fails its batch at once", () => {
  // One pool for the two tests below (chunks of 4): no worker of it may be lost by either.
  const lost: Error[] = [];
  let failing: Promise<SigningPool> | undefined;
  const failingPool = () => {
    failing ??= pool({ chunkSize: 4, onWorkerLost: (error) => lost.push(error) });
    return failing;
  };

  /** A batch of `count` whose credential at `index` cannot be signed (a term in no context), sent to the pool. */
  const failureOf = async (count: number, index: number) => {
    const threads = await failingPool();
    const credentials = batch(count);
    credentials[index] = { ...credentials[index], undefinedTerm: "not in any context" };
    return threads.signCredentials({ credentials, created: fx.now, generation: 1 }).catch((e) => e);
  };

  it("with the signing error and the credential's position, without trying again", async () => {
    const failure = await failureOf(12, 9);
    expect(failure).toBeInstanceOf(SigningError);
    expect(failure.index).toBe(9);
    expect(failure.message).toBe("credential 9 could not be signed: Safe mode validation error.");
    expect(lost).toEqual([]);
  });

  it("with its position in the batch when chunks differ in size (13 in chunks of 4: 4, 3, 3, 3)", async () => {
    const failure = await failureOf(13, 11);
    expect(failure).toBeInstanceOf(SigningError);
    expect(failure.index).toBe(11);
    expect(lost).toEqual([]);
  });

  it("when a credential cannot even be sent to a worker (not plain data)", async () => {
    const threads = await failingPool();
    const credentials: JsonObject[] = [{ ...batch(1)[0], name: () => "a function" }];
    const failure = await threads.signCredentials({ credentials, created: fx.now, generation: 1 }).catch((e) => e);
    expect(failure.name).toBe("DataCloneError");
    expect(lost).toEqual([]);
  });

  it("when asked for a key generation it does not hold", async () => {
    const threads = await sharedPool();
    const failure = await threads
      .signCredentials({ credentials: batch(3), created: fx.now, generation: 2 })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(SigningError);
    expect(failure.message).toBe(
      "credential 0 could not be signed: key generation 2 cannot sign (active generations held: 1)",
    );
  });
});

/**
 * Signed documents the stock library has verified with this file's fixture (same bytes, loader and time: same verdict).
 * The three worker-death tests sign the same batch, byte for byte (eddsa-rdfc-2022 is deterministic): each of its
 * documents is verified once instead of three times.
 */
const verifiedDocuments = new Set<string>();
async function stockVerifiesOnce(document: JsonObject): Promise<boolean> {
  const bytes = JSON.stringify(document);
  if (verifiedDocuments.has(bytes)) {
    return true;
  }
  const verified = await stockVerifies(fx, document);
  if (verified) {
    verifiedDocuments.add(bytes);
  }
  return verified;
}

/** Every credential of the batch came back once, in order, signed: its proof and VC-JWT verify with the library. */
async function expectWholeBatch(credentials: JsonObject[], signed: SignedCredential[]) {
  expect(signed.map((s) => s.document.id)).toEqual(credentials.map((c) => c.id));
  expect(new Set(signed.map((s) => s.document.id)).size).toBe(credentials.length);
  for (const out of signed) {
    expect(await stockVerifiesOnce(out.document), String(out.document.id)).toBe(true);
    await expectJwtOf(out);
  }
}

/** One worker was lost: each task it held (the one it signed, and those it had been handed after it) was reported. */
function expectLost(lost: Error[], death?: string) {
  expect(lost.length >= 1 && lost.length <= DEFAULT_TASKS_PER_WORKER, `${lost.length} tasks lost`).toBe(true);
  expect(new Set(lost.map((e) => e.message)).size).toBe(1);
  if (death !== undefined) {
    expect(lost[0]?.message).toBe(death);
  }
}

describe("a worker that dies mid-batch is replaced and its tasks tried again, once", () => {
  const fault = (mode: string, always = false) => ({
    mode,
    marker: join(dir, `${mode}-${always}-${Math.random().toString(36).slice(2)}`),
    always,
  });

  it.each([
    ["exits (process.exit)", "exit", "worker exited with code: 7"],
    ["throws an uncaught exception", "throw", "the signing worker crashed"],
    ["runs out of memory", "oom", "Worker terminated due to reaching memory limit: JS heap out of memory"],
  ])("a worker that %s: every credential comes back exactly once and verifies", async (_, mode, death) => {
    const lost: Error[] = [];
    const threads = await pool({
      chunkSize: 4,
      workerModule: FAULTY_WORKER,
      resourceLimits: { maxOldGenerationSizeMb: 128 },
      onWorkerLost: (error) => lost.push(error),
    });
    const credentials = batch(40);
    const faulty = fault(mode);
    credentials[21] = { ...credentials[21], "test:fault": faulty };
    const signed = await threads.signCredentials({ credentials, created: fx.now, generation: 1 });
    expect(existsSync(faulty.marker)).toBe(true); // the fault did happen
    expectLost(lost, death);
    await expectWholeBatch(
      credentials.map(({ "test:fault": _, ...c }) => c),
      signed,
    );
    expect(threads.threads).toHaveLength(2); // replaced
  });

  it("a worker terminated while it signs: its chunk is signed by another, the batch is whole", async () => {
    const lost: Error[] = [];
    const threads = await pool({ chunkSize: 4, workerModule: FAULTY_WORKER, onWorkerLost: (e) => lost.push(e) });
    const credentials = batch(40, 100);
    const hang = fault("hang");
    credentials[13] = { ...credentials[13], "test:fault": hang };
    const before = threads.threads.map((t) => t.threadId);
    const signing = threads.signCredentials({ credentials, created: fx.now, generation: 1 });
    while (!existsSync(hang.marker) || readFileSync(hang.marker, "utf8") === "") {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const victim = threads.threads.find((t) => t.threadId === Number(readFileSync(hang.marker, "utf8")));
    expect(victim).toBeDefined();
    await victim!.terminate();
    const signed = await signing;
    expectLost(lost);
    await expectWholeBatch(
      credentials.map(({ "test:fault": _, ...c }) => c),
      signed,
    );
    const after = threads.threads.map((t) => t.threadId);
    expect(after).toHaveLength(2);
    expect(after).not.toContain(victim!.threadId);
    expect(after.filter((id) => before.includes(id))).toHaveLength(1);
  });

  it("a task whose second worker dies too fails its batch with the worker's error, and the pool signs on", async () => {
    const lost: Error[] = [];
    const threads = await pool({ chunkSize: 4, workerModule: FAULTY_WORKER, onWorkerLost: (e) => lost.push(e) });
    const credentials = batch(12, 200);
    credentials[5] = { ...credentials[5], "test:fault": fault("exit", true) };
    const failure = await threads.signCredentials({ credentials, created: fx.now, generation: 1 }).catch((e) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toBe("worker exited with code: 7");
    expect(lost.map((e) => e.message)).toEqual(["worker exited with code: 7"]); // one retry, no more
    const again = batch(8, 300);
    await expectWholeBatch(
      again,
      await threads.signCredentials({ credentials: again, created: fx.now, generation: 1 }),
    );
  });
});

describe("a key rotation reaches the workers without a restart", () => {
  it.each([
    ["worker threads", 2],
    ["the main thread", 0],
  ])(
    "on %s: tasks asked after updateKeys sign with the new generation, those before finish with the old",
    async (_, size) => {
      const threads = await pool({ size, chunkSize: 4 });
      const before = threads.threads.map((t) => t.threadId);
      const next = await generateIssuerKey(2, fx.now);
      const rotatedKeys = { ...material, keys: [retireIssuerKey(fx.stored), next] };
      const keyring = await createKeyring(rotatedKeys);
      const documentLoader = createDocumentLoader(didDocuments(keyring.didDocument));

      const old = batch(24, 400);
      const inFlight = threads.signCredentials({ credentials: old, created: fx.now, generation: 1 });
      await threads.updateKeys(rotatedKeys);
      const fresh = batch(6, 500);
      const signed = await threads.signCredentials({ credentials: fresh, created: fx.now, generation: 2 });

      await expectWholeBatch(old, await inFlight);
      for (const [i, credential] of fresh.entries()) {
        const expected = await signDataIntegrity({ credential, signer: keyring.active, documentLoader, now: fx.now });
        expect(JSON.stringify(signed[i]!.document)).toBe(JSON.stringify(expected));
        expect(await stockVerifies({ ...fx, documentLoader }, signed[i]!.document)).toBe(true);
        await expectJwtOf(signed[i]!, keyring);
      }
      const retired = await threads
        .signCredentials({ credentials: batch(1), created: fx.now, generation: 1 })
        .catch((e) => e);
      expect(retired.message).toBe(
        "credential 0 could not be signed: key generation 1 cannot sign (active generations held: 2)",
      );
      // New threads were started with the new keys; the old ones are gone.
      expect(threads.threads.filter((t) => before.includes(t.threadId))).toEqual([]);
    },
  );
});

describe("key material", () => {
  it("that cannot be used stops the pool's start, with a message that carries no secret", async () => {
    const broken = structuredClone(fx.stored);
    broken.p256.privateJwk = { ...broken.p256.privateJwk!, d: "AAAA" };
    const failure = await createSigningPool({ keys: { ...material, keys: [broken] }, size: 1 }).catch((e) => e);
    expect(failure.message).toMatch(/^the signing keys were refused: /);
    for (const secret of [fx.stored.ed25519.secretKeyMultibase, fx.stored.p256.privateJwk?.d, "AAAA"]) {
      expect(failure.message).not.toContain(secret);
    }
  });
});

describe("process hardening holds in the workers", () => {
  /**
   * Starts a pool of one worker of each module given, in one node process started without --disable-proto=delete, as
   * plain `node` would: what each start gave, in order. (One process for every probe: starting node under tsx and
   * importing the signing modules costs a second or more.)
   */
  const runUnflagged = (workerModules: Array<string | undefined>) => {
    const script = `
      const { generateIssuerKey } = await import("./src/crypto/issuer-keys.ts");
      const { createSigningPool } = await import("./src/crypto/signing-pool.ts");
      const key = await generateIssuerKey(1, new Date());
      const keys = { keys: [key], did: "did:web:badges.test", publicUrl: "https://badges.test" };
      const mainThread = Object.getOwnPropertyDescriptor(Object.prototype, "__proto__") === undefined;
      const results = [];
      for (const module of ${JSON.stringify(workerModules.map((m) => m ?? null))}) {
        const workerModule = module === null ? undefined : new URL(module);
        try {
          const pool = await createSigningPool({ keys, size: 1, workerModule });
          await pool.close();
          results.push({ mainThread, pool: "started" });
        } catch (error) {
          results.push({ mainThread, pool: error.message });
        }
      }
      console.log(JSON.stringify(results));`;
    const out = execFileSync("node", ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    return JSON.parse(out.trim().split("\n").at(-1) as string) as unknown[];
  };
  const unhardened = new URL("../fixtures/signing-worker-unhardened.ts", import.meta.url).href;
  let probes: unknown[] | undefined;
  const probe = (which: 0 | 1) => {
    probes ??= runUnflagged([undefined, unhardened]);
    return probes[which];
  };

  it("a worker removes Object.prototype.__proto__ itself (harden-process), so the pool starts", () => {
    expect(probe(0)).toEqual({ mainThread: false, pool: "started" });
  });

  it("a pool whose worker would run with it refuses to start", () => {
    expect(probe(1)).toEqual({
      mainThread: false,
      pool: "a signing worker runs with Object.prototype.__proto__ (no process hardening)",
    });
  });
});
