import { and, count, desc, eq, gt, gte, inArray, isNull, lte } from "drizzle-orm";
import { fixedLimit, prepared } from "./prepared.js";
import type { Conn } from "./store.js";

/** A count per certification. */
export type CountByCertification = { achievementId: string; count: number };

/**
 * Credentials of these certifications issued since `since`, per certification (every credential made, reissues
 * included). One range per certification over the (achievement_id, created_at, id) index, which covers the query: the
 * rows of the period only, however many credentials there are (the plan does not depend on table statistics).
 */
export async function issuedSince(
  db: Conn,
  achievementIds: readonly string[],
  since: Date,
): Promise<CountByCertification[]> {
  if (achievementIds.length === 0) {
    return [];
  }
  const { credentials } = db.t;
  const rows = await db
    .select({ achievementId: credentials.achievementId, count: count() })
    .from(credentials)
    .where(and(inArray(credentials.achievementId, [...achievementIds]), gte(credentials.createdAt, since)))
    .groupBy(credentials.achievementId);
  return rows.map((row) => ({ achievementId: row.achievementId, count: Number(row.count) }));
}

/**
 * Active credentials (neither revoked nor suspended) whose expiry falls in (from, to], per certification: a range over
 * the valid_until index.
 */
export async function expiringBetween(db: Conn, from: Date, to: Date): Promise<CountByCertification[]> {
  const { credentials } = db.t;
  const rows = await db
    .select({ achievementId: credentials.achievementId, count: count() })
    .from(credentials)
    .where(
      and(
        gt(credentials.validUntil, from),
        lte(credentials.validUntil, to),
        isNull(credentials.revokedAt),
        isNull(credentials.suspendedAt),
      ),
    )
    .groupBy(credentials.achievementId);
  return rows.map((row) => ({ achievementId: row.achievementId, count: Number(row.count) }));
}

/** Active credentials of one certification that expire exactly at `at` (those falling due in one renewal window). */
export async function activeExpiringAt(db: Conn, achievementId: string, at: Date): Promise<number> {
  const { credentials } = db.t;
  const [row] = await db
    .select({ count: count() })
    .from(credentials)
    .where(
      and(
        eq(credentials.validUntil, at),
        eq(credentials.achievementId, achievementId),
        isNull(credentials.revokedAt),
        isNull(credentials.suspendedAt),
      ),
    );
  return Number(row?.count ?? 0);
}

/**
 * Awards waiting for an approval decision, per certification (the (decided_at, created_at) index; statement prepared
 * once: the console's overview reads it on every view).
 */
export async function undecidedApprovals(db: Conn): Promise<CountByCertification[]> {
  const statement = prepared(db, "dashboard_undecided_approvals", (d) => {
    const { pendingApprovals } = d.t;
    return d
      .select({ achievementId: pendingApprovals.achievementId, count: count() })
      .from(pendingApprovals)
      .where(isNull(pendingApprovals.decidedAt))
      .groupBy(pendingApprovals.achievementId);
  });
  const rows = await statement.execute();
  return rows.map((row) => ({ achievementId: row.achievementId, count: Number(row.count) }));
}

/**
 * The sequence numbers of the newest `limit` audit entries, newest first (the end of the primary key: no row is
 * decoded). Entries never change once written (triggers refuse UPDATE and DELETE on both databases), so the same
 * numbers are the same entries: the overview reads the entries themselves only when these change.
 */
export async function newestAuditSeqs(db: Conn, limit: number): Promise<number[]> {
  const statement = prepared(db, `dashboard_newest_audit_seqs_${limit}`, (d) => {
    const { auditLog } = d.t;
    return d.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(fixedLimit(limit));
  });
  const rows = await statement.execute();
  return rows.map((row) => Number(row.seq));
}
