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

  it("enforces foreign keys", async () => {
    if (t.store.dialect === "sqlite") {
      // SQLite-only: the pragma that turns foreign keys on (PostgreSQL always enforces them)
      expect(sqliteOf(t.store).pragma("foreign_keys", { simple: true })).toBe(1);
    }
    const { credentials } = t.store.conn().t;
    const orphan = {
      id: "x",
      achievementId: "nope",
      achievementVersion: "v",
      recipientId: "nobody",
      recipientName: "n",
      validFrom: new Date(0),
      document: "{}",
      jwt: "j",
      verificationMethod: "vm",
      issuedBy: "a",
      createdAt: new Date(0),
    };
    expect(await refusal(t.store.tx((tx) => tx.insert(credentials).values(orphan)))).toMatch(/foreign key/i);
  });
});
