import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { executeRows, fixedLimit, placeholderRows, prepared, rowRuns } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type AuditEntry = {
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
};

/** Appends one audit entry; call it inside the caller's transaction (the log is append-only). */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await appendAudits(tx, [entry]);
}

/** Appends audit entries in order, as appendAudit does each: multi-row statements prepared once per row count. */
export async function appendAudits(tx: Tx, entries: readonly AuditEntry[]): Promise<void> {
  const keys = ["at", "actor", "action", "targetType", "targetId", "details"] as const;
  for (const run of rowRuns(entries)) {
    const insert = prepared(tx, `audit_insert_rows_${run.length}`, (d) => {
      const { auditLog: a } = d.t;
      const columns = Object.fromEntries(keys.map((key) => [key, a[key]]));
      return d.insert(a).values(placeholderRows(columns, run.length) as never);
    });
    await executeRows(
      tx,
      insert,
      run.map((entry) => ({ ...entry, details: entry.details ?? {} })),
      keys,
    );
  }
}

export type AuditRow = Tables["auditLog"]["$inferSelect"];

/** The newest audit entries first (statement prepared once: the console's overview reads it on every view). */
export async function listAudit(db: Conn, limit: number): Promise<AuditRow[]> {
  const statement = prepared(db, `audit_newest_${limit}`, (d) =>
    d.select().from(d.t.auditLog).orderBy(desc(d.t.auditLog.seq)).limit(fixedLimit(limit)),
  );
  return statement.execute();
}

/** An audit entry's columns without its details (what lists of entries show), for a select. */
export function auditHeadColumns(auditLog: Tables["auditLog"]) {
  return {
    seq: auditLog.seq,
    at: auditLog.at,
    actor: auditLog.actor,
    action: auditLog.action,
    targetType: auditLog.targetType,
    targetId: auditLog.targetId,
  };
}

/** The newest audit entries first, without their details (the console overview's recent activity: a line each). */
export async function listAuditHeads(db: Conn, limit: number): Promise<Omit<AuditRow, "details">[]> {
  const statement = prepared(db, `audit_newest_heads_${limit}`, (d) => {
    const { auditLog } = d.t;
    return d.select(auditHeadColumns(auditLog)).from(auditLog).orderBy(desc(auditLog.seq)).limit(fixedLimit(limit));
  });
  return statement.execute();
}

export type AuditQuery = {
  /** Only entries with a smaller `seq` (the page before). */
  before?: number;
  targetType?: string;
  targetId?: string;
  action?: string;
  actor?: string;
  /** Only entries at or after this instant. */
  from?: Date;
  /** Only entries before this instant. */
  to?: Date;
  limit: number;
};

/**
 * One page of the audit log, newest first, filtered by target, action, actor and a date range: each filter has an
 * index ending in seq (target, actor, action) or on `at`, so a page stays cheap on a long log.
 */
export async function listAuditPage(db: Conn, query: AuditQuery): Promise<AuditRow[]> {
  const { auditLog } = db.t;
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
  if (query.from !== undefined) {
    filters.push(gte(auditLog.at, query.from));
  }
  if (query.to !== undefined) {
    filters.push(lt(auditLog.at, query.to));
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(desc(auditLog.seq))
    .limit(query.limit);
}

/** One target's entries, oldest first (indexed on target; statement prepared once: the public page reads it). */
export async function auditForTarget(
  db: Conn,
  targetType: string,
  targetId: string,
): Promise<Array<{ at: Date; action: string; details: Record<string, unknown> }>> {
  const query = prepared(db, "audit_for_target", (d) => {
    const { auditLog } = d.t;
    return d
      .select({ at: auditLog.at, action: auditLog.action, details: auditLog.details })
      .from(auditLog)
      .where(
        and(eq(auditLog.targetType, sql.placeholder("targetType")), eq(auditLog.targetId, sql.placeholder("targetId"))),
      )
      .orderBy(asc(auditLog.seq));
  });
  return query.execute({ targetType, targetId });
}
