import { and, eq, isNull, max, min, sql } from "drizzle-orm";
import type { OutboxCursor } from "../domain/delivery/cursor.js";
import { placeholderOf, prepared } from "./prepared.js";
import type { Tx } from "./store.js";

/** A channel's cursor over the events outbox (src/domain/delivery/cursor.ts), or undefined before its first take. */
export async function readCursor(tx: Tx, channel: string): Promise<OutboxCursor | undefined> {
  const query = prepared(tx, "delivery_cursor_read", (d) => {
    const { deliveryCursors: c } = d.t;
    return d
      .select({ afterSeq: c.afterSeq, gaps: c.gaps })
      .from(c)
      .where(eq(c.channel, sql.placeholder("channel")))
      .limit(1);
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

/**
 * Where a channel's cursor starts, at its first take: after the last event before the first one the channel has not
 * delivered through the claims it used before cursors (event_deliveries, under the same channel name: migration 0014
 * marked the events before the channels existed delivered); after the newest event when it delivered all.
 */
export async function initialCursor(tx: Tx, channel: string): Promise<OutboxCursor> {
  const { events: e, eventDeliveries: d } = tx.t;
  const [first] = await tx
    .select({ seq: min(e.seq) })
    .from(e)
    .leftJoin(d, and(eq(d.eventSeq, e.seq), eq(d.channel, channel)))
    .where(isNull(d.deliveredAt));
  if (first?.seq !== null && first?.seq !== undefined) {
    return { afterSeq: Number(first.seq) - 1, gaps: [] };
  }
  const [last] = await tx.select({ seq: max(e.seq) }).from(e);
  return { afterSeq: Number(last?.seq ?? 0), gaps: [] };
}
