import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/commands/db.js";
import type { Store } from "../../src/storage/store.js";
import { openPgStore } from "../../src/storage/store-pg.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";
import { createTestDatabase, onPostgres } from "../helpers/database.js";
import { adminPost, issue } from "../helpers/http.js";
import { lifecycle, makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

/**
 * `npm run db -- copy`: an installation moved from its SQLite file to PostgreSQL keeps every credential verifiable and
 * every status as it was. Needs the pg project's server (vitest.config.ts): skipped in the sqlite project.
 */
describe.skipIf(!onPostgres)("npm run db -- copy", () => {
  let dir: string;
  let target: { url: string; drop: () => Promise<void> };
  let apps: TestApp[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "laurel-copy-"));
    target = await createTestDatabase();
    apps = [];
  });
  afterEach(async () => {
    for (const app of apps) {
      await app.close();
    }
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function copy(from: string, to: string) {
    let out = "";
    let err = "";
    const code = await run(
      ["copy", "--from", from, "--to", to],
      {
        out: (text) => {
          out += text;
        },
        err: (text) => {
          err += text;
        },
      },
      {
        config: () => {
          throw new Error("not used");
        },
        open: () => {
          throw new Error("not used");
        },
      },
    );
    return { code, out, err };
  }

  const verify = (t: TestApp, credential: unknown) =>
    t.app.request("/credentials/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ verifiableCredential: credential }),
    });

  it("copies an installation whose credentials all verify on the copy with their status, and refuses to copy twice", async () => {
    const file = join(dir, "laurel.db");
    const source = await makeTestApp({ store: openSqliteStore(file) });
    apps.push(source);
    makeSuspendable(source, "field-product-certification-sales");
    const issued = await issue(source);
    const revoked = await issue(source, { recipient: { email: "bob@example.org", name: "Bob" } });
    const suspended = await issue(source, {
      achievementId: "field-product-certification-sales",
      recipient: { email: "cy@example.org", name: "Cy" },
    });
    expect((await lifecycle(source, revoked.id, "revoke", { reason: "issued in error" })).status).toBe(200);
    expect((await lifecycle(source, suspended.id, "suspend", { reason: "under review" })).status).toBe(200);
    // an award from evidence: evidence rows, a decision, events and audit rows
    const person = { email: "grace@example.org", name: "Grace Hopper" };
    const evidence = (externalId: string, assessment: string, occurredAt: string, fields: Record<string, unknown>) =>
      adminPost(source, "/admin/evidence", {
        kind: "assessment",
        externalId,
        person,
        occurredAt,
        assessment,
        ...fields,
      });
    expect((await evidence("ev-1", "gitlab-associate-written", "2026-03-01T09:00:00Z", { score: 86 })).status).toBe(
      201,
    );
    const lab = await evidence("ev-2", "gitlab-associate-lab", "2026-03-01T10:00:00Z", {
      passed: true,
      graderRole: "ps-engineer",
    });
    const { awarded } = (await lab.json()) as { awarded: Array<{ credentialId?: string }> };
    const awardedId = awarded[0]?.credentialId as string;
    expect(awardedId).toEqual(expect.any(String));
    const awardedView = (await (await source.app.request(`/credentials/${awardedId}`)).json()) as Record<
      string,
      unknown
    >;

    const tables = [
      "credentials",
      "status_lists",
      "status_entries",
      "events",
      "audit_log",
      "evidence",
      "recipients",
      "person_changes",
    ];
    const counts = Object.fromEntries(
      await Promise.all(tables.map(async (n) => [n, await countRows(source.store, n)])),
    );
    expect(counts.credentials).toBe(4);
    const sourceCredentials = source.store.conn().t.credentials;
    const [{ historyOfRevoked } = { historyOfRevoked: -1 }] = await source.store
      .conn()
      .select({ historyOfRevoked: sourceCredentials.historyChanges })
      .from(sourceCredentials)
      .where(eq(sourceCredentials.id, revoked.id));
    expect(historyOfRevoked).toBeGreaterThan(0);
    const changesOf = async (store: Store) => {
      const { personChanges } = store.conn().t;
      const rows = await store.conn().select().from(personChanges);
      return Object.fromEntries(rows.map((r) => [r.email, r.changes]));
    };
    const sourceChanges = await changesOf(source.store);
    expect(Object.keys(sourceChanges).length).toBeGreaterThan(0);
    const keys = source.keys;
    await source.close();
    apps = [];

    const copied = await copy(file, target.url);
    expect(copied.err).toBe("");
    expect(copied.code).toBe(0);
    expect(copied.out).toContain("4 credentials and 2 status lists byte for byte");
    expect(copied.out).not.toContain("laurel@"); // the URL is printed without its user or password

    const copiedStore = await openPgStore(target.url);
    for (const [name, n] of Object.entries(counts)) {
      expect(await countRows(copiedStore, name), name).toBe(n);
    }
    // the history counter as the source holds it, not counted again by the copied audit log's trigger
    const { credentials } = copiedStore.conn().t;
    const changes = await copiedStore
      .conn()
      .select({ id: credentials.id, historyChanges: credentials.historyChanges })
      .from(credentials);
    expect(Object.fromEntries(changes.map((c) => [c.id, c.historyChanges]))[revoked.id]).toBe(historyOfRevoked);
    // the people's change counts as the source holds them, not counted again by the copied rows' triggers
    expect(await changesOf(copiedStore)).toEqual(sourceChanges);
    const copy1 = await makeTestApp({ store: copiedStore, keys });
    apps.push(copy1);
    const results = new Map<string, Record<string, unknown>>();
    for (const [id, credential] of [
      [issued.id, issued.credential],
      [revoked.id, revoked.credential],
      [suspended.id, suspended.credential],
      [awardedId, awardedView],
    ] as const) {
      results.set(id, (await (await verify(copy1, credential)).json()) as Record<string, unknown>);
    }
    expect(results.get(issued.id)).toMatchObject({ verified: true, verdict: "valid" });
    expect(results.get(awardedId)).toMatchObject({ verified: true, verdict: "valid" });
    expect(results.get(revoked.id)).toMatchObject({ verified: false, verdict: "revoked" });
    expect(results.get(suspended.id)).toMatchObject({ verified: false, verdict: "suspended" });

    // the copy goes on where the source stopped: new rows take ids past the copied ones
    const more = await issue(copy1, { recipient: { email: "dan@example.org", name: "Dan" } });
    expect((await verify(copy1, more.credential)).status).toBe(200);
    expect(await countRows(copy1.store, "credentials")).toBe(5);

    const again = await copy(file, target.url);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/target database is not empty: rows in achievements \(\d+\), recipients/);
    expect(await countRows(copy1.store, "credentials")).toBe(5);
  });

  it("refuses a source that does not exist, writing nothing", async () => {
    const missing = await copy(join(dir, "nope.db"), target.url);
    expect(missing).toMatchObject({ code: 2, out: "" });
    expect(missing.err).toContain(`no SQLite database at ${join(dir, "nope.db")}`);
  });
});
