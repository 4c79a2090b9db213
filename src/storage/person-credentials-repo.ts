import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./db.js";
import { credentials, pendingApprovals, recipients } from "./schema.js";

export type HeldRow = { credentialId: string; achievementId: string; validFrom: Date; validUntil: Date | null };

/** Every credential issued to a person (by email). */
export function credentialsHeldBy(db: Db, email: string): HeldRow[] {
  return db
    .select({
      credentialId: credentials.id,
      achievementId: credentials.achievementId,
      validFrom: credentials.validFrom,
      validUntil: credentials.validUntil,
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

export function undecidedApproval(db: Db, email: string, achievementId: string): PendingApprovalRow | undefined {
  return db
    .select()
    .from(pendingApprovals)
    .where(
      and(
        eq(pendingApprovals.personEmail, email),
        eq(pendingApprovals.achievementId, achievementId),
        isNull(pendingApprovals.decidedAt),
      ),
    )
    .get();
}

/** Approvals of this award that an admin rejected. */
export function rejectedFor(db: Db, email: string, achievementId: string): PendingApprovalRow[] {
  return db
    .select()
    .from(pendingApprovals)
    .where(
      and(
        eq(pendingApprovals.personEmail, email),
        eq(pendingApprovals.achievementId, achievementId),
        eq(pendingApprovals.outcome, "rejected"),
      ),
    )
    .all();
}

/** True when the recipient holds a credential of the certification valid at `at` (checked inside transactions). */
export function holdsValidCredential(db: Db, email: string, achievementId: string, at: Date): boolean {
  const t = at.getTime();
  return credentialsHeldBy(db, email).some(
    (c) =>
      c.achievementId === achievementId && c.validFrom.getTime() <= t && (!c.validUntil || t < c.validUntil.getTime()),
  );
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
