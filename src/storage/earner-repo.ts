import { and, eq, gt, isNull, lte, or } from "drizzle-orm";
import type { Conn, Tables, Tx } from "./store.js";

export type EarnerLinkRow = Tables["earnerLinkTokens"]["$inferSelect"];
export type EarnerSessionRow = Tables["earnerSessions"]["$inferSelect"];
export type EarnerProfileRow = Tables["earnerProfiles"]["$inferSelect"];

/** The recipient behind an id: their address and name (the earner space's identity). */
export async function findRecipient(
  db: Conn,
  recipientId: string,
): Promise<{ id: string; email: string; name: string } | undefined> {
  const { recipients } = db.t;
  const [row] = await db
    .select({ id: recipients.id, email: recipients.email, name: recipients.name })
    .from(recipients)
    .where(eq(recipients.id, recipientId))
    .limit(1);
  return row;
}

export async function insertLinkToken(tx: Tx, row: EarnerLinkRow): Promise<void> {
  await tx.insert(tx.t.earnerLinkTokens).values(row);
}

/** A link token not used and not expired at `now`, by its hash (read only: showing the confirm page). */
export async function findUsableLink(db: Conn, tokenHash: string, now: Date): Promise<EarnerLinkRow | undefined> {
  const { earnerLinkTokens: t } = db.t;
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.tokenHash, tokenHash), isNull(t.usedAt), gt(t.expiresAt, now)))
    .limit(1);
  return row;
}

/**
 * Uses a link token: marks it used in one conditional UPDATE (only while unused and unexpired), so of two requests
 * racing with one link exactly one gets its recipient. Undefined: unknown, used or expired.
 */
export async function consumeLink(tx: Tx, tokenHash: string, now: Date): Promise<string | undefined> {
  const { earnerLinkTokens: t } = tx.t;
  const [row] = await tx
    .update(t)
    .set({ usedAt: now })
    .where(and(eq(t.tokenHash, tokenHash), isNull(t.usedAt), gt(t.expiresAt, now)))
    .returning({ recipientId: t.recipientId });
  return row?.recipientId;
}

/** Forgets link tokens that expired before `now` (used ones are kept until then: a second use is refused). */
export async function deleteExpiredLinks(tx: Tx, now: Date): Promise<void> {
  const { earnerLinkTokens: t } = tx.t;
  await tx.delete(t).where(lte(t.expiresAt, now));
}

export async function insertEarnerSession(tx: Tx, row: EarnerSessionRow): Promise<void> {
  await tx.insert(tx.t.earnerSessions).values(row);
}

/** A session not expired at `now` (idle or absolute), by the hash of its cookie secret. */
export async function findLiveEarnerSession(
  db: Conn,
  idHash: string,
  now: Date,
): Promise<EarnerSessionRow | undefined> {
  const { earnerSessions: s } = db.t;
  const [row] = await db
    .select()
    .from(s)
    .where(and(eq(s.idHash, idHash), gt(s.expiresAt, now), gt(s.idleExpiresAt, now)))
    .limit(1);
  return row;
}

export async function touchEarnerSession(tx: Tx, idHash: string, at: Date, idleExpiresAt: Date): Promise<void> {
  const { earnerSessions: s } = tx.t;
  await tx.update(s).set({ lastSeenAt: at, idleExpiresAt }).where(eq(s.idHash, idHash));
}

export async function deleteEarnerSession(tx: Tx, idHash: string): Promise<void> {
  const { earnerSessions: s } = tx.t;
  await tx.delete(s).where(eq(s.idHash, idHash));
}

export async function deleteExpiredEarnerSessions(tx: Tx, now: Date): Promise<void> {
  const { earnerSessions: s } = tx.t;
  await tx.delete(s).where(or(lte(s.expiresAt, now), lte(s.idleExpiresAt, now)));
}

export async function findProfile(db: Conn, recipientId: string): Promise<EarnerProfileRow | undefined> {
  const { earnerProfiles: p } = db.t;
  const [row] = await db.select().from(p).where(eq(p.recipientId, recipientId)).limit(1);
  return row;
}

export async function findProfileByHandle(db: Conn, handle: string): Promise<EarnerProfileRow | undefined> {
  const { earnerProfiles: p } = db.t;
  const [row] = await db.select().from(p).where(eq(p.handle, handle)).limit(1);
  return row;
}

export async function saveProfile(tx: Tx, row: EarnerProfileRow): Promise<void> {
  const { earnerProfiles: p } = tx.t;
  const { recipientId, ...rest } = row;
  await tx.insert(p).values(row).onConflictDoUpdate({ target: p.recipientId, set: rest });
}
