import { mkdtempSync, rmSync } from "node:fs";
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
});
