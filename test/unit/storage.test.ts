import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { insertCredential } from "../../src/storage/credentials-repo.js";
import { markEvaluationDue } from "../../src/storage/evaluations-due-repo.js";
import { openSqliteStore, WAL_AUTOCHECKPOINT_PAGES } from "../../src/storage/store-sqlite.js";

// SQLite-only: the embedded database's own file, pragmas and migration bookkeeping.
describe("openSqliteStore", () => {
  it("creates the file database in WAL mode with foreign keys and all migrations", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    try {
      const store = openSqliteStore(join(dir, "nested", "laurel.db"));
      const { sqlite } = store;
      expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      const tables = sqlite
        .prepare("select name from sqlite_master where type in ('table','trigger') order by name")
        .all()
        .map((r) => (r as { name: string }).name);
      expect(tables).toEqual(
        expect.arrayContaining([
          "achievements",
          "api_keys",
          "audit_log",
          "audit_log_no_delete",
          "audit_log_no_update",
          "credentials",
          "recipients",
        ]),
      );
      // Every trigger, exactly: a migration that rebuilds a table (drizzle-kit's __new_<table> copy) drops the triggers
      // on it silently (credentials_revocation_final is on credentials), and one whose body names the rebuilt table (audit_log_credential_history names
      // credentials) must be dropped before and created again after (migrations/0028_credential_history.sql).
      const triggers = sqlite
        .prepare("select name from sqlite_master where type = 'trigger' order by name")
        .pluck()
        .all();
      expect(triggers).toEqual([
        "audit_log_credential_history",
        "audit_log_no_delete",
        "audit_log_no_update",
        "audit_log_person_changes",
        "audit_log_person_history_approval",
        "audit_log_person_history_credential",
        "audit_log_person_history_evidence",
        "credentials_revocation_final",
        "events_no_delete",
        "events_no_update",
        "evidence_no_delete",
        "evidence_no_update",
        "evidence_person_changes",
        "pending_approvals_person_changes_delete",
        "pending_approvals_person_changes_insert",
        "pending_approvals_person_changes_update",
        "status_entries_fixed_slot",
        "status_entries_no_delete",
        "status_entries_owner_once",
        "status_entries_revocation_final",
      ]);
      await store.close();
      // Re-opening applies nothing twice.
      await openSqliteStore(join(dir, "nested", "laurel.db")).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("marks everyone with evidence due when upgrading an installation that ran before evaluations were queued", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    const path = join(dir, "laurel.db");
    try {
      const first = openSqliteStore(path);
      const insert = first.sqlite.prepare(
        `insert into evidence (id, external_id, person_email, kind, item, occurred_at, data, submitted_by, submitted_at)
         values (?, ?, ?, 'assessment', 'gitlab-associate-written', 0, '{}', 'test', 0)`,
      );
      for (const [i, email] of ["a@example.org", "b@example.org", "a@example.org"].entries()) {
        insert.run(`id-${i}`, `ext-${i}`, email);
      }
      // As if the evidence had been stored by the version before the backfill migration: the migrations from it on
      // are not applied yet (and the column a later one adds is not there).
      const journal = JSON.parse(readFileSync("src/storage/migrations/meta/_journal.json", "utf8")) as {
        entries: Array<{ tag: string; when: number }>;
      };
      const backfill = journal.entries.find((e) => e.tag.endsWith("_evaluations_due_backfill"));
      first.sqlite.prepare("delete from __drizzle_migrations where created_at >= ?").run(backfill?.when);
      first.sqlite.exec("alter table evaluations_due drop column not_before");
      // ... nor the tables of the cluster migration (0013)
      first.sqlite.exec("drop table key_generations; drop table leases; drop table rate_limit_windows");
      // …nor the delivery tables (migration 0014_delivery).
      for (const table of [
        // …nor the delivery cursors (migration 0025_delivery_cursors)
        "delivery_cursors",
        // …nor the bulk jobs' (migration 0022_bulk_jobs)
        "job_rows",
        "jobs",
        // …nor the earner space's (migration 0019_earner_space)
        "earner_profiles",
        "earner_sessions",
        "earner_link_tokens",
        "delivery_attempts",
        "mail_outbox",
        "outbound_messages",
        "webhook_endpoints",
        "preference_tokens",
        "email_preferences",
        // …and the console's accounts (migration 0016_console_accounts)
        "sso_requests",
        "sign_in_attempts",
        "sessions",
        "user_grants",
        "users",
      ]) {
        first.sqlite.exec(`drop table ${table}`);
      }
      // ...nor what the VC API migration adds
      first.sqlite.exec(
        "drop table oauth_tokens; drop table vc_api_credentials; " +
          "alter table api_keys drop column kind; alter table api_keys drop column rate_limit_per_minute",
      );
      // ...nor the console credentials list's index, which replaced the one on the certification alone
      first.sqlite.exec(
        "drop index credentials_achievement_created_idx; " +
          "create index credentials_achievement_idx on credentials (achievement_id)",
      );
      // ...nor the people search's indexes (0020_console_people)
      first.sqlite.exec("drop index evidence_person_name_idx; drop index recipients_name_idx");
      // ...nor the console dashboard's and audit filters' indexes (0021_console_dashboard_indexes)
      first.sqlite.exec(
        "drop index audit_actor_idx; drop index audit_action_idx; drop index audit_at_idx; " +
          "drop index pending_approvals_open_idx",
      );
      // ...nor the credentials list's rare-state indexes (0023_console_rare_states)
      first.sqlite.exec(
        "drop index credentials_revoked_idx; drop index credentials_revoked_created_idx; " +
          "drop index credentials_suspended_idx; drop index credentials_suspended_created_idx",
      );
      // ...nor the credential pages' projections and lifecycle index (0024_credential_pages)
      first.sqlite.exec("drop table credential_pages; drop index credentials_lifecycle_idx");
      // ...nor the credentials' history counter, the projections' shared parts (0027_credential_history_changes) and
      // the counter's trigger (0028_credential_history)
      first.sqlite.exec(
        "drop trigger audit_log_credential_history; alter table credentials drop column history_changes; " +
          "drop table credential_page_shapes",
      );
      // ...nor the people's change counts and their triggers (0029_person_changes, 0030_person_changes_counted)
      first.sqlite.exec(
        "drop trigger evidence_person_changes; drop trigger pending_approvals_person_changes_insert; " +
          "drop trigger pending_approvals_person_changes_update; drop trigger pending_approvals_person_changes_delete; " +
          "drop trigger audit_log_person_changes; drop table person_changes",
      );
      // ...nor the people's audit entries and their trigger (0033_person_history, 0034_person_history_kept)
      first.sqlite.exec(
        "drop trigger audit_log_person_history_credential; drop trigger audit_log_person_history_evidence; " +
          "drop trigger audit_log_person_history_approval; drop table person_history",
      );
      // ...nor the recipient's email on each credential (0031_credentials_recipient_email, 0032_recipient_email): the
      // one index still naming it goes back to the first migration's
      first.sqlite.exec(
        "drop index credentials_created_idx; create index credentials_created_idx on credentials (created_at, id); " +
          "alter table credentials drop column recipient_email",
      );
      // ...nor the person's records' index in their reading order (0035_evidence_person_order)
      first.sqlite.exec(
        "drop index evidence_person_idx; create index evidence_person_idx on evidence (person_email, occurred_at)",
      );
      await first.close();
      const store = openSqliteStore(path);
      const due = store.sqlite.prepare("select person_email from evaluations_due order by person_email").pluck().all();
      await store.close();
      expect(due).toEqual(["a@example.org", "b@example.org"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a file database checkpoints its WAL every WAL_AUTOCHECKPOINT_PAGES pages, not SQLite's 1,000", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    try {
      const store = openSqliteStore(join(dir, "laurel.db"));
      expect(store.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(store.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
      expect(WAL_AUTOCHECKPOINT_PAGES).toBeGreaterThan(1_000);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps statement journals and temporary tables in memory, not in files written as a transaction runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    try {
      const store = openSqliteStore(join(dir, "laurel.db"));
      // 2 = MEMORY: a multi-row statement inside a write transaction (a bulk batch's inserts) journals the pages it
      // changes; on disk that was a temporary file written page by page, about 40 KB per credential of a job's batch
      expect(store.sqlite.pragma("temp_store", { simple: true })).toBe(2);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a file database's WAL is checkpointed on a thread of its own, not in a COMMIT of the thread that serves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    const path = join(dir, "laurel.db");
    try {
      const store = openSqliteStore(path);
      store.sqlite.pragma("wal_autocheckpoint = 0"); // this connection never checkpoints: what does, is the thread
      await store.checkpointWal();
      const before = statSync(path).size;
      const insert = store.sqlite.prepare("insert into recipients (id, email, name, created_at) values (?, ?, ?, 0)");
      store.sqlite.transaction(() => {
        for (let i = 0; i < 2_000; i++) {
          insert.run(`r${i}`, `person${i}@example.org`, `Person ${i} ${"x".repeat(400)}`);
        }
      })();
      expect(statSync(path).size).toBe(before); // committed, in the WAL only
      expect(await store.checkpointWal()).toBe(true);
      expect(statSync(path).size).toBeGreaterThan(before + 800_000); // copied into the database file
      await store.close();
      expect(await store.checkpointWal()).toBe(false); // the thread stops with the store
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an in-memory database has no checkpointer", async () => {
    const store = openSqliteStore(":memory:");
    expect(await store.checkpointWal()).toBe(false);
    await store.close();
  });

  it("creates the database and its -wal and -shm files owner-only (0600), and tightens wider ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    const path = join(dir, "data", "laurel.db");
    const modeOf = (file: string) => statSync(file).mode & 0o777;
    try {
      const first = openSqliteStore(path);
      first.sqlite.exec("insert into recipients (id, email, name, created_at) values ('r', 'x@example.org', 'X', 0)");
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
      expect(first.tightened).toEqual([]);
      // An installation made before: every file readable by the group and others.
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        chmodSync(file, 0o644);
      }
      const second = openSqliteStore(path);
      expect(second.tightened).toEqual([path, `${path}-wal`, `${path}-shm`]);
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
      await second.close();
      await first.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stores a null as NULL through the prepared statements (dates, booleans and JSON included)", async () => {
    const store = openSqliteStore(":memory:");
    try {
      const at = new Date("2026-03-02T09:30:00Z");
      store.sqlite.exec(
        `insert into achievements (id, version, name, definition, updated_at) values ('a', '1', 'A', '{}', 0);
         insert into recipients (id, email, name, created_at) values ('r', 'x@example.org', 'X', 0)`,
      );
      await store.tx(async (tx) => {
        await insertCredential(tx, {
          id: "c",
          achievementId: "a",
          achievementVersion: "1",
          recipientId: "r",
          recipientName: "X",
          validFrom: at,
          validUntil: null,
          document: "{}",
          jwt: "j",
          verificationMethod: "vm",
          issuedBy: "test",
          createdAt: at,
          decision: null,
          revokedAt: null,
          revocationReason: null,
          revocationReasonPublic: null,
          suspendedAt: null,
          suspensionReason: null,
          suspensionReasonPublic: null,
          supersededBy: null,
          supersedes: null,
        });
        await markEvaluationDue(tx, "x@example.org", { mark: "m", at });
      });
      expect(
        store.sqlite
          .prepare(
            `select typeof(valid_until) u, typeof(decision) d, typeof(revoked_at) r, typeof(revocation_reason_public) p,
             typeof(valid_from) f from credentials`,
          )
          .get(),
      ).toEqual({ u: "null", d: "null", r: "null", p: "null", f: "integer" });
      expect(store.sqlite.prepare("select typeof(not_before) n from evaluations_due").get()).toEqual({ n: "null" });
    } finally {
      await store.close();
    }
  });
});
