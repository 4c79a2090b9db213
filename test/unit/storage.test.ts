import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/storage/db.js";

describe("openDb", () => {
  it("creates the file database in WAL mode with foreign keys and all migrations", () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    try {
      const { db, close } = openDb(join(dir, "nested", "laurel.db"));
      expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
      const tables = db.$client
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
      close();
      // Re-opening applies nothing twice.
      openDb(join(dir, "nested", "laurel.db")).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("marks everyone with evidence due when upgrading an installation that ran before evaluations were queued", () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    const path = join(dir, "laurel.db");
    try {
      const first = openDb(path);
      const insert = first.db.$client.prepare(
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
      first.db.$client.prepare("delete from __drizzle_migrations where created_at >= ?").run(backfill?.when);
      first.db.$client.exec("alter table evaluations_due drop column not_before");
      first.close();
      const { db, close } = openDb(path);
      const due = db.$client.prepare("select person_email from evaluations_due order by person_email").pluck().all();
      close();
      expect(due).toEqual(["a@example.org", "b@example.org"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("creates the database and its -wal and -shm files owner-only (0600), and tightens wider ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-db-"));
    const path = join(dir, "data", "laurel.db");
    const modeOf = (file: string) => statSync(file).mode & 0o777;
    try {
      const first = openDb(path);
      first.db.$client.exec(
        "insert into recipients (id, email, name, created_at) values ('r', 'x@example.org', 'X', 0)",
      );
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
      expect(first.tightened).toEqual([]);
      // An installation made before: every file readable by the group and others.
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        chmodSync(file, 0o644);
      }
      const second = openDb(path);
      expect(second.tightened).toEqual([path, `${path}-wal`, `${path}-shm`]);
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
      second.close();
      first.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
