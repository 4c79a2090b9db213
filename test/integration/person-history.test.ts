import { readFileSync } from "node:fs";
import { and, eq, inArray, or } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approve } from "../../src/services/approvals.js";
import { revokeCredential } from "../../src/services/credential-status.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import type { PgStore } from "../../src/storage/store-pg.js";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { onPostgres } from "../helpers/database.js";
import { makeTestApp, sqliteOf, type TestApp } from "../helpers/make-app.js";
import { queryPlan, statementsPrepared } from "../helpers/query-plans.js";

/**
 * A person's history (the newest audit entries about their credentials, evidence records and approvals, shown on their
 * console page) is read from person_history, which a trigger on the audit log keeps (migration person_history_kept) and
 * the migration fills from the log already written: the page reads as many entries as it shows, never every entry of
 * every one of their rows.
 */
const ADMIN = { actor: "test", graderRole: null, isAdmin: true };

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(async () => {
  await t.close();
});

let n = 0;
async function written(email: string, score: number) {
  const result = await submitEvidence(
    t.ctx,
    {
      kind: "assessment",
      externalId: `h-${++n}`,
      person: { email, name: "Grace Hopper" },
      occurredAt: new Date(Date.parse("2026-03-01T09:00:00Z") + n * 60_000).toISOString(),
      assessment: "gitlab-associate-written",
      score,
    } as never,
    ADMIN,
  );
  return result.evidence.id;
}

/** The seqs of the audit entries about the person's credentials and records, found through those rows (newest first). */
async function aboutTheirRows(email: string): Promise<number[]> {
  const db = t.store.conn();
  const { auditLog, credentials, evidence, recipients } = db.t;
  const held = (
    await db
      .select({ id: credentials.id })
      .from(credentials)
      .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
      .where(eq(recipients.email, email))
  ).map((r) => r.id);
  const records = (await db.select({ id: evidence.id }).from(evidence).where(eq(evidence.personEmail, email))).map(
    (r) => r.id,
  );
  const rows = await db
    .select({ seq: auditLog.seq })
    .from(auditLog)
    .where(
      or(
        and(eq(auditLog.targetType, "credential"), inArray(auditLog.targetId, ["", ...held])),
        and(eq(auditLog.targetType, "evidence"), inArray(auditLog.targetId, ["", ...records])),
      ),
    );
  return rows.map((r) => r.seq).sort((a, b) => b - a);
}

async function keptFor(email: string): Promise<number[]> {
  const db = t.store.conn();
  const { personHistory } = db.t;
  const rows = await db.select({ seq: personHistory.seq }).from(personHistory).where(eq(personHistory.email, email));
  return rows.map((r) => r.seq).sort((a, b) => b - a);
}

async function somePeople() {
  const view = await issueCredential(t.ctx, {
    achievementId: "gitlab-certified-associate",
    recipient: { email: "grace@example.org", name: "Grace Hopper" },
    actor: "test",
  });
  t.clock.advance(1000);
  await written("grace@example.org", 40);
  await written("ada@example.org", 90);
  await written("grace@example.org", 95);
  await revokeCredential(t.ctx, { credentialId: view.id, reason: "test", actor: "test" });
  await issueCredential(t.ctx, {
    achievementId: "gitlab-certified-associate",
    recipient: { email: "ada@example.org", name: "Ada Lovelace" },
    actor: "test",
  });
}

describe("a person's history", () => {
  it("is kept by the audit log's trigger: every entry about their credentials and records, whoever wrote it", async () => {
    await somePeople();
    const grace = await aboutTheirRows("grace@example.org");
    // issued, recorded ×2 (and the award's entries, if any), revoked
    expect(grace.length).toBeGreaterThanOrEqual(4);
    expect(await keptFor("grace@example.org")).toEqual(grace);
    expect(await keptFor("ada@example.org")).toEqual(await aboutTheirRows("ada@example.org"));
  });

  it("keeps the entries about their approvals too (an award held for approval, then approved)", async () => {
    const entry = t.ctx.catalog.get("gitlab-certified-associate");
    if (!entry) {
      throw new Error("no Associate certification");
    }
    entry.criteria.requiresApproval = true;
    try {
      const person = { email: "tom@example.org", name: "Tom Kilburn" };
      const submit = async (record: Record<string, unknown>) =>
        (await submitEvidence(t.ctx, { ...record, person, externalId: `a-${++n}` } as never, ADMIN)).awarded[0];
      await submit({
        kind: "assessment",
        occurredAt: "2026-03-01T09:00:00Z",
        assessment: "gitlab-associate-written",
        score: 90,
      });
      const held = await submit({
        kind: "assessment",
        occurredAt: "2026-03-01T10:00:00Z",
        assessment: "gitlab-associate-lab",
        passed: true,
        graderRole: "ps-engineer",
      });
      expect(held?.outcome).toBe("pending-approval");
      await approve(t.ctx, (held as { approvalId: string }).approvalId, "test");
      const db = t.store.conn();
      const { auditLog } = db.t;
      const aboutApprovals = (await db.select().from(auditLog).where(eq(auditLog.targetType, "approval"))).map(
        (e) => e.seq,
      );
      expect(aboutApprovals.length).toBeGreaterThanOrEqual(2); // held, approved
      const kept = await keptFor(person.email);
      expect(aboutApprovals.filter((seq) => !kept.includes(seq))).toEqual([]);
    } finally {
      entry.criteria.requiresApproval = false;
    }
  });

  it("is filled by the migration from the entries written before it (its backfill statement, run again)", async () => {
    await somePeople();
    const before = { grace: await keptFor("grace@example.org"), ada: await keptFor("ada@example.org") };
    const backfill = (file: string) => readFileSync(file, "utf8").split("--> statement-breakpoint").at(-1) as string;
    if (onPostgres) {
      const { pool } = t.store as PgStore;
      await pool.query("delete from person_history");
      expect(await keptFor("grace@example.org")).toEqual([]);
      await pool.query(backfill("src/storage/migrations-pg/0023_person_history_kept.sql"));
    } else {
      const sqlite = sqliteOf(t.store);
      sqlite.exec("delete from person_history");
      expect(await keptFor("grace@example.org")).toEqual([]);
      sqlite.exec(backfill("src/storage/migrations/0034_person_history_kept.sql"));
    }
    expect({ grace: await keptFor("grace@example.org"), ada: await keptFor("ada@example.org") }).toEqual(before);
  });

  it.skipIf(onPostgres)(
    "is read newest first through person_history's primary key, one entry per row shown, with no sort",
    async () => {
      await somePeople();
      await createAccount(t, { email: "admin@example.org", role: "admin" });
      const admin = await signIn(t, "admin@example.org");
      const [held] = await t.store.conn().select().from(t.store.conn().t.recipients);
      const prepared = await statementsPrepared(t.store, async () => {
        const res = await getPage(t, `/console/people/${held?.id}`, admin.cookie);
        expect(res.status).toBe(200);
        await res.text();
      });
      const history = prepared.filter((source) => source.includes(`"audit_log"`) && source.includes("limit"));
      expect(history).toHaveLength(1);
      const plan = queryPlan(t.store, history[0] as string, 1);
      expect(plan[0]).toMatch(
        /^SEARCH person_history USING (COVERING INDEX sqlite_autoindex_person_history_1|PRIMARY KEY)/,
      );
      expect(plan[0]).toContain("(email=? AND seq<?)");
      expect(plan.filter((step) => /TEMP B-TREE|^SCAN/.test(step))).toEqual([]);
    },
  );
});
