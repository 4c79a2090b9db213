import { and, asc, eq, getTableColumns, gt, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { preparedFor } from "./prepared.js";
import { eventDeliveries, events } from "./schema.js";

export type EventRow = typeof events.$inferSelect;

/** Appends an event in the caller's transaction; false when its dedupe key was already emitted. */
export function appendEvent(db: Db, row: Omit<EventRow, "seq">): boolean {
  const insert = preparedFor(db, "events.append", (d) =>
    d
      .insert(events)
      .values({
        id: sql.placeholder("id"),
        type: sql.placeholder("type"),
        credentialId: sql.placeholder("credentialId"),
        occurredAt: sql.placeholder("occurredAt"),
        payload: sql.placeholder("payload"),
        dedupeKey: sql.placeholder("dedupeKey"),
      })
      .onConflictDoNothing({ target: events.dedupeKey })
      .prepare(),
  );
  return insert.run(row).changes > 0;
}

/** Events after `after` (by sequence), oldest first. */
export function listEvents(db: Db, query: { after: number; types?: string[]; limit: number }): EventRow[] {
  const filters: SQL[] = [gt(events.seq, query.after)];
  if (query.types?.length) {
    filters.push(inArray(events.type, query.types));
  }
  return db
    .select()
    .from(events)
    .where(and(...filters))
    .orderBy(asc(events.seq))
    .limit(query.limit)
    .all();
}

/**
 * Claims up to `limit` events for a channel, oldest first: events it never claimed, and claimed ones it did not
 * acknowledge before their lease ran out. Call it inside an IMMEDIATE transaction so two claimers never overlap.
 */
export function claimEvents(
  db: Db,
  claim: { channel: string; token: string; now: Date; leaseUntil: Date; limit: number; types?: string[] },
): EventRow[] {
  const filters: SQL[] = [];
  const claimable = or(
    isNull(eventDeliveries.eventSeq),
    and(isNull(eventDeliveries.deliveredAt), lte(eventDeliveries.claimedUntil, claim.now)),
  );
  if (claimable) {
    filters.push(claimable);
  }
  if (claim.types?.length) {
    filters.push(inArray(events.type, claim.types));
  }
  const rows = db
    .select(getTableColumns(events))
    .from(events)
    .leftJoin(
      eventDeliveries,
      and(eq(eventDeliveries.eventSeq, events.seq), eq(eventDeliveries.channel, claim.channel)),
    )
    .where(and(...filters))
    .orderBy(asc(events.seq))
    .limit(claim.limit)
    .all();
  for (const row of rows) {
    db.insert(eventDeliveries)
      .values({ channel: claim.channel, eventSeq: row.seq, claimToken: claim.token, claimedUntil: claim.leaseUntil })
      .onConflictDoUpdate({
        target: [eventDeliveries.channel, eventDeliveries.eventSeq],
        set: {
          claimToken: claim.token,
          claimedUntil: claim.leaseUntil,
          attempts: sql`${eventDeliveries.attempts} + 1`,
        },
      })
      .run();
  }
  return rows;
}

/** Marks claimed events delivered; returns the sequences this claim still held (and now acknowledged). */
export function acknowledgeEvents(
  db: Db,
  ack: { channel: string; token: string; seqs: number[]; now: Date },
): number[] {
  if (ack.seqs.length === 0) {
    return [];
  }
  return db
    .update(eventDeliveries)
    .set({ deliveredAt: ack.now })
    .where(
      and(
        eq(eventDeliveries.channel, ack.channel),
        eq(eventDeliveries.claimToken, ack.token),
        inArray(eventDeliveries.eventSeq, ack.seqs),
        isNull(eventDeliveries.deliveredAt),
      ),
    )
    .returning({ seq: eventDeliveries.eventSeq })
    .all()
    .map((r) => r.seq)
    .sort((a, b) => a - b);
}
