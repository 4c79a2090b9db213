import { desc, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { preparedWrite } from "./prepared.js";
import { auditLog } from "./schema.js";

export type AuditEntry = {
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
};

/** Appends one audit entry; call it inside the caller's transaction (the log is append-only). */
export function appendAudit(db: Db, entry: AuditEntry): void {
  const insert = preparedWrite(db, "audit.insert", (d) =>
    d.insert(auditLog).values({
      at: sql.placeholder("at"),
      actor: sql.placeholder("actor"),
      action: sql.placeholder("action"),
      targetType: sql.placeholder("targetType"),
      targetId: sql.placeholder("targetId"),
      details: sql.placeholder("details"),
    }),
  );
  insert({ ...entry, details: entry.details ?? {} });
}

/** The newest audit entries first. */
export function listAudit(db: Db, limit: number) {
  return db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(limit).all();
}
