import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAudit } from "../../src/storage/audit-repo.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, sqliteOf, type TestApp } from "../helpers/make-app.js";
import { refusal } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("audit log", () => {
  it("is append-only: the database refuses updates and deletes", async () => {
    await issue(t);
    const { auditLog } = t.store.conn().t;
    expect(await refusal(t.store.tx((tx) => tx.update(auditLog).set({ actor: "someone else" })))).toMatch(
      /append-only/,
    );
    expect(await refusal(t.store.tx((tx) => tx.delete(auditLog)))).toMatch(/append-only/);
    expect((await listAudit(t.store.conn(), 10)).map((e) => e.action)).toEqual([
      "credential.issued",
      "api-key.created",
    ]);
  });

  // SQLite-only: the pragma that turns foreign keys on (PostgreSQL always enforces them).
  it("enforces foreign keys", () => {
    const sqlite = sqliteOf(t.store);
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(() =>
      sqlite
        .prepare(
          "insert into credentials (id, achievement_id, achievement_version, recipient_id, recipient_name, valid_from, document, jwt, verification_method, issued_by, created_at) values ('x','nope','v','nobody','n',0,'{}','j','vm','a',0)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
