import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAudit } from "../../src/storage/audit-repo.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("audit log", () => {
  it("is append-only: the database refuses updates and deletes", async () => {
    await issue(t);
    const sqlite = t.db.$client;
    expect(() => sqlite.prepare("update audit_log set actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("delete from audit_log").run()).toThrow(/append-only/);
    expect(listAudit(t.db, 10).map((e) => e.action)).toEqual(["credential.issued", "api-key.created"]);
  });

  it("enforces foreign keys", () => {
    const sqlite = t.db.$client;
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
