import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, isNotNull } from "drizzle-orm";
import { compactVerify, importJWK, type JWK } from "jose";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type JsonObject, signDataIntegrity, verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { createSigningPool, DEFAULT_TASKS_PER_WORKER, type SigningPool } from "../../src/crypto/signing-pool.js";
import { credentialCount } from "../../src/crypto/signing-session.js";
import { vcJwtPayload } from "../../src/crypto/vc-jwt.js";
import { type IssueOutcome, issueCredentials } from "../../src/services/issue-credential.js";
import type { IssueCredentialInput } from "../../src/services/issue-plan.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

/**
 * Issuance through the signing pool (issue 16): single issuance in worker threads, and the bulk path issueCredentials
 * (status indexes reserved as a block, signing fanned out over the pool, batched write transactions), whatever
 * happens to a worker meanwhile.
 */

/** Tests that start worker threads (each loads the signing modules through tsx): slow on a busy machine. */
const WORKER_TEST_TIMEOUT = 180_000;

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function app(threads = 0): Promise<TestApp> {
  const t = await makeTestApp({ env: { LAUREL_SIGNING_THREADS: String(threads) } });
  apps.push(t);
  return t;
}

const ACHIEVEMENTS = [
  "gitlab-certified-associate",
  "gitlab-certified-cicd-specialist",
  "gitlab-certified-security-specialist",
];

function inputs(count: number, from = 0): IssueCredentialInput[] {
  return Array.from({ length: count }, (_, i) => ({
    achievementId: ACHIEVEMENTS[(from + i) % ACHIEVEMENTS.length] as string,
    recipient: { email: `person${from + i}@example.org`, name: `Person ${from + i} Ünïcødé` },
    actor: "test",
  }));
}

/**
 * The document is byte for byte what the main thread signs over the same unsigned credential at the same `created`
 * time, and the VC-JWT (ES256 is randomised: no byte comparison) verifies with the issuer's JWK over that document.
 */
async function expectSignedAsMainThread(t: TestApp, document: JsonObject, jwt: string) {
  const { proof, ...unsigned } = document;
  const created = new Date((proof as Array<{ created: string }>)[0]?.created as string);
  const reference = await signDataIntegrity({
    credential: unsigned,
    signer: t.ctx.keys.current().keyring.active,
    documentLoader: t.ctx.keys.current().documentLoader,
    now: created,
  });
  expect(JSON.stringify(document)).toBe(JSON.stringify(reference));
  const signer = t.ctx.keys.current().keyring.active;
  const jwk = t.ctx.keys.current().keyring.jwks.find((k) => k.kid === signer.jwtKid) as JWK;
  const { payload } = await compactVerify(jwt, await importJWK(jwk, "ES256"));
  expect(new TextDecoder().decode(payload)).toBe(vcJwtPayload(reference));
}

/** Every outcome issued; exactly one stored row, audit entry and event per input; every status index its own. */
async function expectIssuedOnce(t: TestApp, outcomes: IssueOutcome[], count: number) {
  expect(outcomes).toHaveLength(count);
  const ids = outcomes.map((o) => (o.ok ? o.credential.id : `refused: ${o.error.message}`));
  expect(new Set(ids).size).toBe(count);
  expect(ids.every((id) => !id.startsWith("refused"))).toBe(true);
  const conn = t.store.conn();
  const { credentials, statusEntries, auditLog, events } = conn.t;
  const stored = await conn.select({ id: credentials.id }).from(credentials);
  expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
  const entries = await conn
    .select({ listId: statusEntries.listId, idx: statusEntries.idx, credentialId: statusEntries.credentialId })
    .from(statusEntries)
    .where(isNotNull(statusEntries.credentialId));
  expect(entries).toHaveLength(count);
  expect(new Set(entries.map((e) => e.credentialId)).size).toBe(count);
  expect(new Set(entries.map((e) => `${e.listId}/${e.idx}`)).size).toBe(count);
  const audited = await conn.select().from(auditLog).where(eq(auditLog.action, "credential.issued"));
  expect(audited.map((a) => a.targetId).sort()).toEqual([...ids].sort());
  const issued = await conn.select().from(events).where(eq(events.type, "credential.issued"));
  expect(issued).toHaveLength(count);
}

describe("issuance signs through the signing pool", () => {
  it(
    "with worker threads, POST /admin/credentials answers the bytes the main thread signs",
    async () => {
      const t = await app(2);
      expect(t.ctx.signing.size).toBe(2);
      expect(t.ctx.signing.threads).toHaveLength(2);
      const issued = await issue(t, { recipient: { email: "ada@example.org", name: "Ada Lövelace" } });
      await expectSignedAsMainThread(t, issued.credential, issued.jwt);
      const verified = await verifyDataIntegrity({
        credential: issued.credential,
        documentLoader: t.ctx.keys.current().documentLoader,
      });
      expect(verified).toEqual({ verified: true });
    },
    WORKER_TEST_TIMEOUT,
  );

  it("with none (LAUREL_SIGNING_THREADS=0), on the main thread, the same way", async () => {
    const t = await app(0);
    expect(t.ctx.signing.size).toBe(0);
    const issued = await issue(t);
    await expectSignedAsMainThread(t, issued.credential, issued.jwt);
  });
});

describe("issueCredentials (bulk)", () => {
  it("issues every input once, each as issueCredential would: row, status index, audit entry, event", async () => {
    const t = await app(0);
    const outcomes = await issueCredentials(t.ctx, inputs(23), { persistBatch: 10 });
    await expectIssuedOnce(t, outcomes, 23);
    // each list counts every index reserved from it (a block of reservations stores its count once)
    const conn = t.store.conn();
    const { statusLists, statusEntries } = conn.t;
    for (const list of await conn.select().from(statusLists)) {
      expect(list.allocated).toBe(
        (await conn.select().from(statusEntries).where(eq(statusEntries.listId, list.id))).length,
      );
    }
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        throw outcome.error;
      }
      await expectSignedAsMainThread(t, outcome.credential.credential, outcome.credential.jwt);
      // the view is made when first read, then the same object on every read, its document the stored one
      expect(outcome.credential).toBe(outcome.credential);
      // an own, enumerable property: a copy of the outcome keeps it (review 31, B-1)
      expect({ ...outcome }.credential).toBe(outcome.credential);
      expect(JSON.parse(JSON.stringify(outcome)).credential.id).toBe(outcome.credential.id);
      const [row] = await conn
        .select({ document: conn.t.credentials.document, jwt: conn.t.credentials.jwt })
        .from(conn.t.credentials)
        .where(eq(conn.t.credentials.id, outcome.credential.id));
      expect(row).toEqual({ document: JSON.stringify(outcome.credential.credential), jwt: outcome.credential.jwt });
    }
    // ids in time order (version 7 UUIDs of the issuance's time), so that a batch's rows are appended to the indexes
    // keyed by them; so are those of the rows written with them (recipients, events, due marks)
    const issuedAt = Date.parse((outcomes[0] as { ok: true; credential: { issuedAt: string } }).credential.issuedAt);
    const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const timeOf = (id: string) => Number.parseInt(id.replace("-", "").slice(0, 12), 16);
    const ids = outcomes.map((o) => (o.ok ? o.credential.id : ""));
    expect(new Set(ids).size).toBe(23);
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(timeOf(id)).toBe(issuedAt);
    }
    for (const row of [
      ...(await conn.select({ id: conn.t.recipients.id }).from(conn.t.recipients)),
      ...(await conn.select({ id: conn.t.events.id }).from(conn.t.events)),
      ...(await conn.select({ id: conn.t.evaluationsDue.mark }).from(conn.t.evaluationsDue)),
    ]) {
      expect(row.id).toMatch(V7);
      expect(timeOf(row.id)).toBe(issuedAt);
    }
    expect(outcomes[4]).toMatchObject({
      ok: true,
      credential: {
        achievementId: ACHIEVEMENTS[1],
        recipient: { email: "person4@example.org", name: "Person 4 Ünïcødé" },
        issuedBy: "test",
      },
    });
  });

  it(
    "in batched write transactions, signed in worker threads, in the inputs' order",
    async () => {
      const t = await app(2);
      const count = 230; // three write transactions
      const outcomes = await issueCredentials(t.ctx, inputs(count));
      await expectIssuedOnce(t, outcomes, count);
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome.ok && outcome.credential.recipient.email).toBe(`person${i}@example.org`);
      }
      const last = outcomes.at(-1);
      if (!last?.ok) {
        throw new Error("the last input was not issued");
      }
      await expectSignedAsMainThread(t, last.credential.credential, last.credential.jwt);
    },
    WORKER_TEST_TIMEOUT,
  );

  it("in batches that straddle the blocks of status indexes reserved (24 and 100), each index once", async () => {
    const t = await app(0);
    const sizes: number[] = [];
    const count = 250;
    const outcomes = await issueCredentials(t.ctx, inputs(count), {
      persistBatch: 24,
      afterStore: async (_tx, stored) => {
        sizes.push(stored.length);
      },
    });
    expect(sizes).toEqual([...Array(10).fill(24), 10]);
    await expectIssuedOnce(t, outcomes, count);
    // in the inputs' order, each with the status entry it was stored with
    const conn = t.store.conn();
    const { statusEntries } = conn.t;
    const entries = await conn.select().from(statusEntries).where(isNotNull(statusEntries.credentialId));
    const entryOf = new Map(entries.map((e) => [e.credentialId, `${e.listId}/${e.idx}`]));
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome.ok) {
        throw outcome.error;
      }
      expect(outcome.credential.recipient.email).toBe(`person${i}@example.org`);
      const status = outcome.credential.credential.credentialStatus as {
        statusListCredential: string;
        statusListIndex: string;
      };
      const listId = status.statusListCredential.split("/").at(-1);
      expect(entryOf.get(outcome.credential.id)).toBe(`${listId}/${status.statusListIndex}`);
    }
    await expect(issueCredentials(t.ctx, inputs(1, count), { persistBatch: 0 })).rejects.toThrow("whole number ≥ 1");
  });

  it("refuses an input as issueCredential would, storing nothing of it, and issues the others", async () => {
    const t = await app(0);
    const held: IssueCredentialInput = {
      achievementId: "gitlab-certified-associate",
      recipient: { email: "grace@example.org", name: "Grace Hopper" },
      actor: "test",
      unlessHeld: true,
    };
    const batch = [
      ...inputs(2),
      { ...inputs(1, 2)[0], achievementId: "no-such-certification" } as IssueCredentialInput,
      held,
      { ...held, recipient: { email: " Grace@Example.org ", name: "Grace Hopper" } },
      ...inputs(2, 3),
    ];
    const outcomes = await issueCredentials(t.ctx, batch);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true, false, true, true]);
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
    expect(outcomes[4]).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await countRows(t.store, "credentials")).toBe(5);
    // The refused duplicate's index was reserved with the block, never assigned, and is never handed out again.
    expect(await countRows(t.store, "status_entries")).toBe(6);
    const { statusEntries } = t.store.conn().t;
    const assigned = await t.store.conn().select().from(statusEntries).where(isNotNull(statusEntries.credentialId));
    expect(assigned).toHaveLength(5);
  });
});

describe("a stored batch's writes, made together", () => {
  it("are those of its credentials stored one after another: names, due marks, order, a replacement among them", async () => {
    const t = await app(0);
    const first = await issueCredentials(t.ctx, inputs(1));
    const replaced = first[0]?.ok ? first[0].credential.id : "";
    const later = new Date(t.clock.now().getTime() + 86_400_000);
    const ada = (name: string, achievementId: string, extra: Partial<IssueCredentialInput> = {}) => ({
      achievementId,
      recipient: { email: "ada@example.org", name },
      actor: "test",
      ...extra,
    });
    const batch: IssueCredentialInput[] = [
      ada("Ada", ACHIEVEMENTS[0] as string, { validFrom: later }),
      ...inputs(2, 10),
      ada("Ada Lovelace", ACHIEVEMENTS[1] as string),
      // replaces the first credential: what was held before it is written before it is read
      { ...inputs(1)[0], supersedes: replaced, reason: "corrected" } as IssueCredentialInput,
      ada("Ada King", ACHIEVEMENTS[2] as string),
    ];
    const outcomes = await issueCredentials(t.ctx, batch);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, true]);
    const ids = outcomes.map((o) => (o.ok ? o.credential.id : ""));
    const conn = t.store.conn();
    const { recipients, credentials, evaluationsDue, events, auditLog } = conn.t;
    // one recipient for Ada, named as the last credential names her; every row of hers points at it
    const adas = await conn.select().from(recipients).where(eq(recipients.email, "ada@example.org"));
    expect(adas.map((r) => r.name)).toEqual(["Ada King"]);
    const rows = await conn
      .select({ id: credentials.id, recipientId: credentials.recipientId, email: credentials.recipientEmail })
      .from(credentials)
      .where(eq(credentials.recipientEmail, "ada@example.org"));
    expect(rows.map((r) => r.recipientId)).toEqual([adas[0]?.id, adas[0]?.id, adas[0]?.id]);
    // due once, not before the latest validFrom of hers
    const due = await conn.select().from(evaluationsDue).where(eq(evaluationsDue.personEmail, "ada@example.org"));
    expect(due).toHaveLength(1);
    expect(due[0]?.notBefore?.getTime()).toBe(Math.floor(later.getTime() / 1000) * 1000);
    // events and audit entries in the inputs' order, the replaced credential's among them where it was replaced
    const issued = await conn
      .select({ credentialId: events.credentialId })
      .from(events)
      .where(eq(events.type, "credential.issued"))
      .orderBy(events.seq);
    expect(issued.map((e) => e.credentialId)).toEqual([replaced, ...ids]);
    const audited = await conn
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetType, "credential"))
      .orderBy(auditLog.seq);
    expect(audited.map((a) => `${a.action} ${a.targetId}`)).toEqual([
      `credential.issued ${replaced}`,
      ...ids.slice(0, 5).map((id) => `credential.issued ${id}`),
      `credential.superseded ${replaced}`,
      `credential.issued ${ids[5]}`,
    ]);
    const [old] = await conn.select().from(credentials).where(eq(credentials.id, replaced));
    expect(old?.supersededBy).toBe(ids[4]);
  });
});

describe("an evidence batch", () => {
  it("awards everyone it completes through one bulk issuance: their credentials signed as one batch", async () => {
    const t = await app(0);
    const inProcess = await createSigningPool({
      keys: { keys: t.keys, did: t.ctx.keys.current().keyring.did, publicUrl: t.ctx.config.publicUrl },
      size: 0,
    });
    const batches: number[] = [];
    // A pool that says it has a thread, so that issuance hands it every credential, and counts its batches.
    t.ctx.signing = {
      ...inProcess,
      size: 1,
      signCredentials: (request) => {
        batches.push(credentialCount(request));
        return inProcess.signCredentials(request);
      },
    };
    const people = 12;
    const records = Array.from({ length: people }, (_, i) => {
      const person = { email: `person${i}@example.org`, name: `Person ${i}` };
      return [
        {
          kind: "assessment",
          externalId: `w-${i}`,
          person,
          occurredAt: "2026-03-01T09:00:00Z",
          assessment: "gitlab-associate-written",
          score: 90,
        },
        {
          kind: "assessment",
          externalId: `l-${i}`,
          person,
          occurredAt: "2026-03-01T10:00:00Z",
          assessment: "gitlab-associate-lab",
          passed: true,
          graderRole: "ps-engineer",
        },
      ];
    }).flat();
    const res = await adminPost(t, "/admin/evidence/batch", { records });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { recorded: number; awarded: Array<{ outcome: string; credentialId: string }> };
    expect(body.recorded).toBe(2 * people);
    expect(body.awarded).toHaveLength(people);
    expect(body.awarded.every((a) => a.outcome === "issued")).toBe(true);
    expect(batches).toEqual([people]);
    expect(await countRows(t.store, "credentials")).toBe(people);
    const { auditLog } = t.store.conn().t;
    const audited = await t.store.conn().select().from(auditLog).where(eq(auditLog.action, "credential.issued"));
    expect(audited.map((a) => a.actor)).toEqual(Array(people).fill("system:criteria"));
  });
});

describe("a signing worker that dies mid-batch", () => {
  const dir = mkdtempSync(join(tmpdir(), "laurel-issue-bulk-"));
  const pools: SigningPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "is replaced and its credentials signed again: every credential of the batch issued exactly once",
    async () => {
      const t = await app(0);
      const lost: Error[] = [];
      // The pool of the service, with the workers of signing-pool.test.ts that can be made to hang on a credential.
      const pool = await createSigningPool({
        keys: { keys: t.keys, did: t.ctx.keys.current().keyring.did, publicUrl: t.ctx.config.publicUrl },
        size: 2,
        chunkSize: 8,
        workerModule: new URL("../fixtures/signing-worker-faults.ts", import.meta.url),
        onWorkerLost: (error) => lost.push(error),
      });
      pools.push(pool);
      const marker = join(dir, "hang");
      let batches = 0;
      t.ctx.signing = {
        ...pool,
        threads: pool.threads,
        signCredentials: (request) => {
          batches += 1;
          // The second write batch's 21st credential hangs its worker (once): the first batch is stored meanwhile.
          if (batches !== 2 || !("recipes" in request)) {
            return pool.signCredentials(request);
          }
          const hang = { "test:fault": { mode: "hang", marker } };
          const recipes = request.recipes.recipes.map((r, i) => (i === 20 ? { ...r, ...hang } : r));
          return pool.signCredentials({ ...request, recipes: { ...request.recipes, recipes } });
        },
      };
      const count = 250;
      const issuing = issueCredentials(t.ctx, inputs(count));
      while (!existsSync(marker) || readFileSync(marker, "utf8") === "") {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const before = pool.threads.map((w) => w.threadId);
      const victim = pool.threads.find((w) => w.threadId === Number(readFileSync(marker, "utf8")));
      expect(victim).toBeDefined();
      await victim?.terminate();
      const outcomes = await issuing;
      // One worker lost, with the chunk it signed and those it had been handed after it, waiting in it.
      expect(lost.length >= 1 && lost.length <= DEFAULT_TASKS_PER_WORKER, `${lost.length} tasks lost`).toBe(true);
      await expectIssuedOnce(t, outcomes, count);
      const after = pool.threads.map((w) => w.threadId);
      expect(after).toHaveLength(2);
      expect(after).not.toContain(victim?.threadId);
      expect(after.filter((id) => before.includes(id))).toHaveLength(1);
      for (const outcome of [outcomes[100], outcomes[120], outcomes[121]]) {
        if (!outcome?.ok) {
          throw new Error("not issued");
        }
        const verified = await verifyDataIntegrity({
          credential: outcome.credential.credential,
          documentLoader: t.ctx.keys.current().documentLoader,
        });
        expect(verified).toEqual({ verified: true });
        expect(JSON.stringify(outcome.credential.credential)).not.toContain("test:fault");
      }
    },
    WORKER_TEST_TIMEOUT,
  );
});
