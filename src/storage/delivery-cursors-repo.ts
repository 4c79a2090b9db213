import { and, eq, isNull, max, min, sql } from "drizzle-orm";
import type { OutboxCursor } from "../domain/delivery/cursor.js";
import { fixedLimit, placeholderOf, prepared } from "./prepared.js";
import type { Tx } from "./store.js";

/** A channel's cursor over the events outbox (src/domain/delivery/cursor.ts), or undefined before its first take. */
export async function readCursor(tx: Tx, channel: string): Promise<OutboxCursor | undefined> {
  const query = prepared(tx, "delivery_cursor_read", (d) => {
    const { deliveryCursors: c } = d.t;
    return d
      .select({ afterSeq: c.afterSeq, gaps: c.gaps })
      .from(c)
      .where(eq(c.channel, sql.placeholder("channel")))
      .limit(fixedLimit(1));
  });
  const [row] = (await query.execute({ channel })) as OutboxCursor[];
  return row;
}

/** Stores a channel's cursor (in the take's transaction, with the messages the take wrote). */
export async function writeCursor(tx: Tx, channel: string, cursor: OutboxCursor, now: Date): Promise<void> {
  const upsert = prepared(tx, "delivery_cursor_write", (d) => {
    const { deliveryCursors: c } = d.t;
    const values = {
      channel: placeholderOf(c.channel, "channel"),
      afterSeq: placeholderOf(c.afterSeq, "afterSeq"),
      gaps: placeholderOf(c.gaps, "gaps"),
      updatedAt: placeholderOf(c.updatedAt, "updatedAt"),
    };
    return d
      .insert(c)
      .values(values as never)
      .onConflictDoUpdate({
        target: c.channel,
        set: { afterSeq: values.afterSeq, gaps: values.gaps, updatedAt: values.updatedAt },
      });
  });
  await upsert.execute({ channel, afterSeq: cursor.afterSeq, gaps: cursor.gaps, updatedAt: now });
}

/** How many numbers below a new cursor's start are still looked for, where commits may come out of order. */
export const INITIAL_LOOK_BACK = 100;

/**
 * Where a channel's cursor starts, at its first take: after the last event before the first one the channel has not
 * delivered through the claims it used before cursors (event_deliveries, under the same channel name: migration 0014
 * marked the events before the channels existed delivered); after the newest event when it delivered all. Where
 * commits may come out of order (PostgreSQL), an event still being written at that moment may hold a number below the
 * start: the last `INITIAL_LOOK_BACK` numbers are a gap looked for during the late-commit window (an event found there
 * that was delivered already owes no message twice: messages are unique per channel, event and target).
 */
export async function initialCursor(
  tx: Tx,
  channel: string,
  options: { now: Date; commitsInOrder: boolean },
): Promise<OutboxCursor> {
  const { events: e, eventDeliveries: d } = tx.t;
  const [first] = await tx
    .select({ seq: min(e.seq) })
    .from(e)
    .leftJoin(d, and(eq(d.eventSeq, e.seq), eq(d.channel, channel)))
    .where(isNull(d.deliveredAt));
  let afterSeq: number;
  if (first?.seq !== null && first?.seq !== undefined) {
    afterSeq = Number(first.seq) - 1;
  } else {
    const [last] = await tx.select({ seq: max(e.seq) }).from(e);
    afterSeq = Number(last?.seq ?? 0);
  }
  const gaps =
    options.commitsInOrder || afterSeq < 1
      ? []
      : [{ from: Math.max(1, afterSeq - INITIAL_LOOK_BACK + 1), to: afterSeq, since: options.now.getTime() }];
  return { afterSeq, gaps };
}
