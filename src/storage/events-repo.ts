import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { executeRows, fixedLimit, placeholderOf, placeholderRows, prepared, rowRuns } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type EventRow = Tables["events"]["$inferSelect"];

/** Appends an event in the caller's transaction; false when its dedupe key was already emitted (prepared once). */
export async function appendEvent(tx: Tx, row: Omit<EventRow, "seq">): Promise<boolean> {
  const insert = prepared(tx, "events_append", (d) => {
    const { events } = d.t;
    return d
      .insert(events)
      .values({
        id: placeholderOf(events.id, "id"),
        type: placeholderOf(events.type, "type"),
        credentialId: placeholderOf(events.credentialId, "credentialId"),
        occurredAt: placeholderOf(events.occurredAt, "occurredAt"),
        payload: placeholderOf(events.payload, "payload"),
        dedupeKey: placeholderOf(events.dedupeKey, "dedupeKey"),
      })
      .onConflictDoNothing({ target: events.dedupeKey })
      .returning({ seq: events.seq });
  });
  return (await insert.execute(row)).length > 0;
}

/**
 * Appends events in order, as appendEvent does each (one whose dedupe key was already emitted is left out):
 * multi-row statements prepared once per row count.
 */
export async function appendEvents(tx: Tx, rows: readonly Omit<EventRow, "seq">[]): Promise<void> {
  for (const run of rowRuns(rows)) {
    await executeRows(tx, eventsInsertRows(tx, run.length), run, EVENT_ROW_KEYS);
  }
}

/** The keys of an event row, in the order of the columns eventsInsertRows binds. */
export const EVENT_ROW_KEYS = ["id", "type", "credentialId", "occurredAt", "payload", "dedupeKey"] as const;

/** The multi-row insert of `count` events (one whose dedupe key was already emitted is left out), prepared once. */
export function eventsInsertRows(db: Conn, count: number) {
  return prepared(db, `events_append_rows_${count}`, (d) => {
    const { events: e } = d.t;
    const columns = Object.fromEntries(EVENT_ROW_KEYS.map((key) => [key, e[key]]));
    return d
      .insert(e)
      .values(placeholderRows(columns, count) as never)
      .onConflictDoNothing({ target: e.dedupeKey });
  });
}

/** Events after `after` (by sequence), oldest first. */
export async function listEvents(
  db: Conn,
  query: { after: number; types?: string[]; limit: number },
): Promise<EventRow[]> {
  const { events } = db.t;
  const filters: SQL[] = [gt(events.seq, query.after)];
  if (query.types?.length) {
    filters.push(inArray(events.type, query.types));
  }
  return db
    .select()
    .from(events)
    .where(and(...filters))
    .orderBy(asc(events.seq))
    .limit(query.limit);
}

/** Events before `before` (by sequence; none: from the newest), newest first: the console's outbox page. */
export async function listEventsNewestFirst(
  db: Conn,
  query: { before?: number; types?: string[]; limit: number },
): Promise<EventRow[]> {
  const { events } = db.t;
  const filters: SQL[] = [];
  if (query.before !== undefined) {
    filters.push(lt(events.seq, query.before));
  }
  if (query.types?.length) {
    filters.push(inArray(events.type, query.types));
  }
  return db
    .select()
    .from(events)
    .where(and(...filters))
    .orderBy(desc(events.seq))
    .limit(query.limit);
}

/**
 * Claims up to `limit` events for a channel, oldest first: events it never claimed, and claimed ones it did not
 * acknowledge before their lease ran out. Call it inside the channel's claim transaction (which holds the
 * `claim:<channel>` lock) so two claimers never overlap.
 */
export async function claimEvents(
  tx: Tx,
  claim: { channel: string; token: string; now: Date; leaseUntil: Date; limit: number; types?: string[] },
): Promise<EventRow[]> {
  const { events, eventDeliveries } = tx.t;
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
  const rows = await tx
    .select(getTableColumns(events))
    .from(events)
    .leftJoin(
      eventDeliveries,
      and(eq(eventDeliveries.eventSeq, events.seq), eq(eventDeliveries.channel, claim.channel)),
    )
    .where(and(...filters))
    .orderBy(asc(events.seq))
    .limit(claim.limit);
  if (rows.length === 0) {
    return rows;
  }
  // One statement for the whole claim (a statement per event cost more than the rest of the take).
  await tx
    .insert(eventDeliveries)
    .values(
      rows.map((row) => ({
        channel: claim.channel,
        eventSeq: row.seq,
        claimToken: claim.token,
        claimedUntil: claim.leaseUntil,
      })),
    )
    .onConflictDoUpdate({
      target: [eventDeliveries.channel, eventDeliveries.eventSeq],
      set: {
        claimToken: claim.token,
        claimedUntil: claim.leaseUntil,
        attempts: sql`${eventDeliveries.attempts} + 1`,
      },
    });
  return rows;
}

/** Marks claimed events delivered; returns the sequences this claim still held (and now acknowledged). */
export async function acknowledgeEvents(
  tx: Tx,
  ack: { channel: string; token: string; seqs: number[]; now: Date },
): Promise<number[]> {
  if (ack.seqs.length === 0) {
    return [];
  }
  const { eventDeliveries } = tx.t;
  const rows = await tx
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
    .returning({ seq: eventDeliveries.eventSeq });
  return rows.map((r) => r.seq).sort((a, b) => a - b);
}

/** The next `limit` events after sequence `after`, oldest first (prepared once: every delivery take reads them). */
export async function eventsAfter(tx: Tx, after: number, limit: number): Promise<EventRow[]> {
  const query = prepared(tx, "events_after", (d) =>
    d
      .select()
      .from(d.t.events)
      .where(gt(d.t.events.seq, sql.placeholder("after")))
      .orderBy(asc(d.t.events.seq))
      // bound, not written in (fixedLimit): a take asks for what its cursor's gaps left, any number up to its lease's
      .limit(sql.placeholder("limit")),
  );
  return (await query.execute({ after, limit })) as EventRow[];
}

/** The events in these ranges of sequence numbers (a delivery cursor's gaps), oldest first, at most `limit`. */
export async function eventsInRanges(
  tx: Tx,
  ranges: ReadonlyArray<{ from: number; to: number }>,
  limit: number,
): Promise<EventRow[]> {
  const { events } = tx.t;
  const found: EventRow[] = [];
  // A few hundred ranges per statement: SQLite refuses an expression tree deeper than 1,000 (about 998 ranges).
  for (let i = 0; i < ranges.length; i += RANGES_PER_STATEMENT) {
    const chunk = ranges.slice(i, i + RANGES_PER_STATEMENT);
    found.push(
      ...((await tx
        .select()
        .from(events)
        .where(or(...chunk.map((r) => and(gte(events.seq, r.from), lte(events.seq, r.to)))))
        .orderBy(asc(events.seq))
        .limit(limit)) as EventRow[]),
    );
  }
  return found.sort((a, b) => a.seq - b.seq).slice(0, limit);
}

/** Ranges of sequence numbers looked up per statement by `eventsInRanges`. */
const RANGES_PER_STATEMENT = 200;

/** One event by its sequence number (prepared once: every delivery attempt reads its event). */
export async function findEventBySeq(db: Conn, seq: number): Promise<EventRow | undefined> {
  const query = prepared(db, "events_by_seq", (d) =>
    d
      .select()
      .from(d.t.events)
      .where(eq(d.t.events.seq, sql.placeholder("seq")))
      .limit(fixedLimit(1)),
  );
  const [row] = await query.execute({ seq });
  return row;
}

/** The events of these sequence numbers, by sequence number (one read for a batch of messages). */
export async function findEventsBySeq(db: Conn, seqs: number[]): Promise<Map<number, EventRow>> {
  const unique = [...new Set(seqs)];
  if (unique.length === 0) {
    return new Map();
  }
  const { events } = db.t;
  const rows = await db.select().from(events).where(inArray(events.seq, unique));
  return new Map(rows.map((row) => [row.seq, row]));
}

/** One event by its id. */
export async function findEventById(db: Conn, id: string): Promise<EventRow | undefined> {
  const { events } = db.t;
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  return row;
}

/** Events that occurred at or after `since`, of these types (all when empty), oldest first. */
export async function eventsSince(
  db: Conn,
  query: { since: Date; types: string[]; limit: number },
): Promise<EventRow[]> {
  const { events } = db.t;
  const filters: SQL[] = [gte(events.occurredAt, query.since)];
  if (query.types.length > 0) {
    filters.push(inArray(events.type, query.types));
  }
  return db
    .select()
    .from(events)
    .where(and(...filters))
    .orderBy(asc(events.seq))
    .limit(query.limit);
}
