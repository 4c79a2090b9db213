import { desc } from "drizzle-orm";
import type { Db, Tx } from "./db.js";
import { auditLog } from "./schema.js";

export type AuditEntry = {
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
};

/** Appends one audit entry inside the caller's transaction (the log is append-only). */
export function appendAudit(tx: Tx | Db, entry: AuditEntry): void {
  tx.insert(auditLog)
    .values({ ...entry, details: entry.details ?? {} })
    .run();
}

/** The newest audit entries first. */
export function listAudit(db: Db, limit: number) {
  return db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(limit).all();
}
