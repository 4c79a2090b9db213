import { and, eq, isNull, sql } from "drizzle-orm";
import { fixedLimit, prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

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
export async function credentialsHeldBy(db: Conn, email: string): Promise<HeldRow[]> {
  const query = prepared(db, "credentials_held_by", (d) => {
    const { credentials, recipients } = d.t;
    return d
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
      .where(eq(recipients.email, sql.placeholder("email")));
  });
  return query.execute({ email });
}

export async function recipientName(db: Conn, email: string): Promise<string | undefined> {
  const query = prepared(db, "recipient_name", (d) => {
    const { recipients } = d.t;
    return d
      .select({ name: recipients.name })
      .from(recipients)
      .where(eq(recipients.email, sql.placeholder("email")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ email }))[0]?.name;
}

export type PendingApprovalRow = Tables["pendingApprovals"]["$inferSelect"];

/** Every approval, decided or not, of one certification for one person. */
export async function approvalsFor(db: Conn, email: string, achievementId: string): Promise<PendingApprovalRow[]> {
  const { pendingApprovals } = db.t;
  return db
    .select()
    .from(pendingApprovals)
    .where(and(eq(pendingApprovals.personEmail, email), eq(pendingApprovals.achievementId, achievementId)));
}

/** Every approval, decided or not, of every certification for one person (one query for an evaluation round). */
export async function approvalsOfPerson(db: Conn, email: string): Promise<PendingApprovalRow[]> {
  const query = prepared(db, "approvals_of_person", (d) => {
    const { pendingApprovals } = d.t;
    return d
      .select()
      .from(pendingApprovals)
      .where(eq(pendingApprovals.personEmail, sql.placeholder("email")));
  });
  return query.execute({ email });
}

/** The undecided approval of one certification for one person, if any. */
export async function undecidedApproval(
  db: Conn,
  email: string,
  achievementId: string,
): Promise<PendingApprovalRow | undefined> {
  return (await approvalsFor(db, email, achievementId)).find((a) => a.decidedAt === null);
}

export async function insertPendingApproval(tx: Tx, row: Tables["pendingApprovals"]["$inferInsert"]): Promise<void> {
  await tx.insert(tx.t.pendingApprovals).values(row);
}

export async function listUndecidedApprovals(db: Conn): Promise<PendingApprovalRow[]> {
  const { pendingApprovals } = db.t;
  // the id breaks ties (approvals queued in the same millisecond): the same order on either database
  return db
    .select()
    .from(pendingApprovals)
    .where(isNull(pendingApprovals.decidedAt))
    .orderBy(pendingApprovals.createdAt, pendingApprovals.id);
}

export async function findApproval(db: Conn, id: string): Promise<PendingApprovalRow | undefined> {
  const { pendingApprovals } = db.t;
  return (await db.select().from(pendingApprovals).where(eq(pendingApprovals.id, id)).limit(1))[0];
}

/** Records the decision; false if it was already decided (decisions are final). */
export async function decideApproval(
  tx: Tx,
  id: string,
  decision: {
    outcome: "approved" | "rejected";
    decidedBy: string;
    decidedAt: Date;
    reason: string | null;
    credentialId: string | null;
  },
): Promise<boolean> {
  const { pendingApprovals } = tx.t;
  const decided = await tx
    .update(pendingApprovals)
    .set(decision)
    .where(and(eq(pendingApprovals.id, id), isNull(pendingApprovals.decidedAt)))
    .returning({ id: pendingApprovals.id });
  return decided.length > 0;
}
