import { eq, isNotNull } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { signDataIntegrity, verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { issueCredentialGroup } from "../../src/services/issue-credential.js";
import type { IssueCredentialInput } from "../../src/services/issue-plan.js";
import type { Store } from "../../src/storage/store.js";
import { onPostgres } from "../helpers/database.js";
import { adminPost, issue, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

/**
 * Issuances asked for at the same time are issued together (issue 16, group commit): one reservation transaction,
 * one signing call, one write transaction, one evaluation of their recipients; each request keeps its own answer and
 * its own refusal, and a refused one stores nothing of it.
 */

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function app(): Promise<TestApp> {
  const t = await makeTestApp();
  apps.push(t);
  return t;
}

/** Counts the write transactions begun on a store from now on; `fail(n)` makes the n-th of them throw first. */
function watchTransactions(store: Store) {
  const tx = store.tx.bind(store);
  const seen = { count: 0, failing: 0 };
  store.tx = ((fn: Parameters<Store["tx"]>[0]) => {
    seen.count += 1;
    if (seen.count === seen.failing) {
      return Promise.reject(new Error("the group's write transaction failed"));
    }
    return tx(fn);
  }) as Store["tx"];
  return {
    get count() {
      return seen.count;
    },
    fail(nth: number) {
      seen.failing = nth;
    },
  };
}

const person = (i: number) => ({ email: `group${i}@example.org`, name: `Group Person ${i} Ünïcødé` });

async function expectStoredOnce(t: TestApp, ids: string[]) {
  const conn = t.store.conn();
  const { credentials, statusEntries, auditLog, events } = conn.t;
  const stored = await conn.select({ id: credentials.id }).from(credentials);
  expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
  const entries = await conn.select().from(statusEntries).where(isNotNull(statusEntries.credentialId));
  expect(new Set(entries.map((e) => `${e.listId}/${e.idx}`)).size).toBe(entries.length);
  expect(new Set(entries.map((e) => e.credentialId)).size).toBe(ids.length);
  const audited = await conn.select().from(auditLog).where(eq(auditLog.action, "credential.issued"));
  expect(audited.map((a) => a.targetId).sort()).toEqual([...ids].sort());
  expect(await conn.select().from(events).where(eq(events.type, "credential.issued"))).toHaveLength(ids.length);
}

describe("POST /admin/credentials at the same time", () => {
  it("share one reservation, one write transaction and one evaluation, each request answered on its own", async () => {
    const t = await app();
    const watched = watchTransactions(t.store);
    const bodies = Array.from({ length: 8 }, (_, i) =>
      issueRequest(
        i === 5 ? { achievementId: "no-such-certification", recipient: person(i) } : { recipient: person(i) },
      ),
    );
    const answers = await Promise.all(bodies.map((body) => adminPost(t, "/admin/credentials", body)));
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201, 201, 201, 400, 201, 201]);
    const refused = await readProblem(answers[5] as Response);
    expect(refused.detail ?? JSON.stringify(refused)).toMatch(/no-such-certification/);
    // Reservation and group commit: two, where one request at a time takes three each (the third clears its
    // recipient's due mark; these recipients have no evidence and the catalog's rules all need some, so the group
    // commit settles them unmarked, with nothing to evaluate). On SQLite the eight reach the service in one turn of
    // the event loop; on PostgreSQL each request's API key lookup is a round trip of its own, so they arrive over
    // several turns, in as many groups.
    if (onPostgres) {
      expect(watched.count).toBeLessThanOrEqual(3 * 7);
    } else {
      expect(watched.count).toBe(2);
    }
    const views = await Promise.all(
      answers.filter((res) => res.status === 201).map(async (res) => (await res.json()) as Record<string, any>),
    );
    expect(views.map((v) => v.recipient.email)).toEqual([0, 1, 2, 3, 4, 6, 7].map((i) => person(i).email));
    await expectStoredOnce(
      t,
      views.map((v) => v.id),
    );
    for (const view of views) {
      const { proof, ...unsigned } = view.credential;
      // Byte for byte what the stock path signs over the same credential at the same time.
      const reference = await signDataIntegrity({
        credential: unsigned,
        signer: t.ctx.keys.current().keyring.active,
        documentLoader: t.ctx.keys.current().documentLoader,
        now: new Date(proof[0].created),
      });
      expect(JSON.stringify(view.credential)).toBe(JSON.stringify(reference));
    }
  });

  it("award what the credentials complete, as one request does", async () => {
    const t = await app();
    // The Associate by hand completes nothing else alone; issuing alongside, then one more, awards nothing twice.
    const [first, second] = await Promise.all([issue(t, { recipient: person(1) }), issue(t, { recipient: person(1) })]);
    expect(first.id).not.toBe(second.id);
    expect(await countRows(t.store, "credentials")).toBe(2);
    expect(await countRows(t.store, "evaluations_due")).toBe(0);
  });
});

describe("issueCredentialGroup", () => {
  const input = (i: number, extra: Partial<IssueCredentialInput> = {}): IssueCredentialInput => ({
    achievementId: "gitlab-certified-associate",
    recipient: person(i),
    actor: "test",
    ...extra,
  });

  it("refuses an input as issueCredential would, storing nothing of it, and issues the others", async () => {
    const t = await app();
    const [held] = await issueCredentialGroup(t.ctx, [input(9)]);
    expect(held?.ok).toBe(true);
    const outcomes = await issueCredentialGroup(t.ctx, [
      input(1),
      input(9, { unlessHeld: true }),
      input(2, { supersedes: "no-such-credential" }),
      input(3),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
    const ids = [held, ...outcomes].flatMap((o) => (o?.ok ? [o.credential.id] : []));
    await expectStoredOnce(t, ids);
  });

  it("stores each on its own when the group's write transaction fails: nothing lost, nothing twice", async () => {
    const t = await app();
    const watched = watchTransactions(t.store);
    watched.fail(2); // the first is the reservation, the second the group commit
    const outcomes = await issueCredentialGroup(t.ctx, [input(1), input(2), input(3)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    const ids = outcomes.flatMap((o) => (o.ok ? [o.credential.id] : []));
    await expectStoredOnce(t, ids);
    for (const o of outcomes) {
      if (o.ok) {
        const verified = await verifyDataIntegrity({
          credential: o.credential.credential,
          documentLoader: t.ctx.keys.current().documentLoader,
        });
        expect(verified).toEqual({ verified: true });
      }
    }
  });
});
