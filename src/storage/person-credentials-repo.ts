import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./db.js";
import { credentials, pendingApprovals, recipients } from "./schema.js";

export type HeldRow = {
  credentialId: string;
  achievementId: string;
  validFrom: Date;
  validUntil: Date | null;
  revokedAt: Date | null;
  suspendedAt: Date | null;
  /** The award decision record of a credential awarded on evidence (definition version, evidence ids, report). */
  decision: Record<string, unknown> | null;
};

/** Every credential issued to a person (by email). */
export function credentialsHeldBy(db: Db, email: string): HeldRow[] {
  return db
    .select({
      credentialId: credentials.id,
      achievementId: credentials.achievementId,
      validFrom: credentials.validFrom,
      validUntil: credentials.validUntil,
      revokedAt: credentials.revokedAt,
      suspendedAt: credentials.suspendedAt,
      decision: credentials.decision,
    })
    .from(credentials)
    .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
    .where(eq(recipients.email, email))
    .all();
}

export function recipientName(db: Db, email: string): string | undefined {
  return db.select({ name: recipients.name }).from(recipients).where(eq(recipients.email, email)).get()?.name;
}

export type PendingApprovalRow = typeof pendingApprovals.$inferSelect;

/** Every approval, decided or not, of one certification for one person. */
export function approvalsFor(db: Db, email: string, achievementId: string): PendingApprovalRow[] {
  return db
    .select()
    .from(pendingApprovals)
    .where(and(eq(pendingApprovals.personEmail, email), eq(pendingApprovals.achievementId, achievementId)))
    .all();
}

/** The undecided approval of one certification for one person, if any. */
export function undecidedApproval(db: Db, email: string, achievementId: string): PendingApprovalRow | undefined {
  return approvalsFor(db, email, achievementId).find((a) => a.decidedAt === null);
}

export function insertPendingApproval(db: Db, row: typeof pendingApprovals.$inferInsert): void {
  db.insert(pendingApprovals).values(row).run();
}

export function listUndecidedApprovals(db: Db): PendingApprovalRow[] {
  return db
    .select()
    .from(pendingApprovals)
    .where(isNull(pendingApprovals.decidedAt))
    .orderBy(pendingApprovals.createdAt)
    .all();
}

export function findApproval(db: Db, id: string): PendingApprovalRow | undefined {
  return db.select().from(pendingApprovals).where(eq(pendingApprovals.id, id)).get();
}

/** Records the decision; false if it was already decided (decisions are final). */
export function decideApproval(
  db: Db,
  id: string,
  decision: {
    outcome: "approved" | "rejected";
    decidedBy: string;
    decidedAt: Date;
    reason: string | null;
    credentialId: string | null;
  },
): boolean {
  return (
    db
      .update(pendingApprovals)
      .set(decision)
      .where(and(eq(pendingApprovals.id, id), isNull(pendingApprovals.decidedAt)))
      .run().changes > 0
  );
}
