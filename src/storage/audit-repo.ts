import { and, asc, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { preparedFor, preparedWrite } from "./prepared.js";
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

export type AuditRow = typeof auditLog.$inferSelect;

export type AuditQuery = {
  /** Only entries with a smaller `seq` (the page before). */
  before?: number;
  targetType?: string;
  targetId?: string;
  action?: string;
  actor?: string;
  limit: number;
};

/** One page of the audit log, newest first, filtered by target, action and actor. */
export function listAuditPage(db: Db, query: AuditQuery): AuditRow[] {
  const filters: SQL[] = [];
  if (query.before !== undefined) {
    filters.push(lt(auditLog.seq, query.before));
  }
  if (query.targetType !== undefined) {
    filters.push(eq(auditLog.targetType, query.targetType));
  }
  if (query.targetId !== undefined) {
    filters.push(eq(auditLog.targetId, query.targetId));
  }
  if (query.action !== undefined) {
    filters.push(eq(auditLog.action, query.action));
  }
  if (query.actor !== undefined) {
    filters.push(eq(auditLog.actor, query.actor));
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(desc(auditLog.seq))
    .limit(query.limit)
    .all();
}

/** One target's entries, oldest first (indexed on target; statement prepared once: the public page reads it). */
export function auditForTarget(
  db: Db,
  targetType: string,
  targetId: string,
): Array<{ at: Date; action: string; details: Record<string, unknown> }> {
  const query = preparedFor(db, "audit.for-target", (d) =>
    d
      .select({ at: auditLog.at, action: auditLog.action, details: auditLog.details })
      .from(auditLog)
      .where(
        and(eq(auditLog.targetType, sql.placeholder("targetType")), eq(auditLog.targetId, sql.placeholder("targetId"))),
      )
      .orderBy(asc(auditLog.seq))
      .prepare(),
  );
  return query.all({ targetType, targetId });
}
