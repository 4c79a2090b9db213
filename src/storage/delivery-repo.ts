import { and, asc, desc, eq, getTableColumns, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { encodeRows, fixedLimit, jsonColumnsOf, placeholderOf, prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type MessageRow = Tables["outboundMessages"]["$inferSelect"];
export type MessageInsert = Tables["outboundMessages"]["$inferInsert"];
export type AttemptRow = Tables["deliveryAttempts"]["$inferSelect"];
export type DeliveryChannelName = MessageRow["channel"];

/**
 * Adds the messages a channel owes for events it took from the outbox; one already there (a retaken event) stays.
 * Returns the ids of the rows inserted now. One prepared statement, whatever the number of rows (`Conn.jsonRows`).
 */
export async function insertMessages(tx: Tx, rows: MessageRow[]): Promise<string[]> {
  if (rows.length === 0) {
    return [];
  }
  const columns = jsonColumnsOf(tx.t.outboundMessages);
  const insert = prepared(tx, "outbound_messages_insert_rows", (d) => {
    const { outboundMessages: m } = d.t;
    // `where true`: SQLite reads an upsert after INSERT … SELECT only when the SELECT has a WHERE clause.
    return d
      .insert(m)
      .select(sql`${d.jsonRows("rows", columns)} where true`)
      .onConflictDoNothing({ target: [m.channel, m.eventSeq, m.target] })
      .returning({ id: m.id });
  });
  const inserted = (await insert.execute({ rows: encodeRows(rows, columns) })) as Array<{ id: string }>;
  return inserted.map((row) => row.id);
}

/**
 * Takes up to `limit` messages of a channel that are due and not held by a live lease, oldest due first, and holds
 * them under `token` until `leaseUntil`. Call it in the channel's lease transaction (its `deliver:<channel>` lock),
 * so two workers never take the same message.
 */
export async function leaseDueMessages(
  tx: Tx,
  lease: { channel: DeliveryChannelName; now: Date; token: string; leaseUntil: Date; limit: number },
): Promise<MessageRow[]> {
  const { outboundMessages: m } = tx.t;
  // Prepared once: every batch of every channel looks for due messages, and usually finds none.
  const query = prepared(tx, `outbound_messages_due_${lease.limit}`, (d) => {
    const { outboundMessages: o } = d.t;
    const now = placeholderOf(o.nextAttemptAt, "now");
    return d
      .select({ id: o.id })
      .from(o)
      .where(
        and(
          eq(o.channel, sql.placeholder("channel")),
          eq(o.state, "pending"),
          lte(o.nextAttemptAt, now),
          or(isNull(o.leaseUntil), lte(o.leaseUntil, now)),
        ),
      )
      .orderBy(asc(o.nextAttemptAt), asc(o.id))
      .limit(fixedLimit(lease.limit));
  });
  const due = (await query.execute({ channel: lease.channel, now: lease.now })) as Array<{
    id: string;
  }>;
  if (due.length === 0) {
    return [];
  }
  return tx
    .update(m)
    .set({ leaseToken: lease.token, leaseUntil: lease.leaseUntil })
    .where(
      inArray(
        m.id,
        due.map((d) => d.id),
      ),
    )
    .returning();
}

export type AttemptInsert = Omit<Tables["deliveryAttempts"]["$inferInsert"], "seq">;

/** Records one attempt (prepared once: the delivery loop records one per message). */
export async function insertAttempt(tx: Tx, attempt: AttemptInsert): Promise<void> {
  const insert = prepared(tx, "delivery_attempt_insert", (d) => {
    const { deliveryAttempts } = d.t;
    const { seq: _seq, ...columns } = getTableColumns(deliveryAttempts);
    const values = Object.fromEntries(
      Object.entries(columns).map(([key, column]) => [key, placeholderOf(column, key)]),
    );
    return d.insert(deliveryAttempts).values(values as unknown as AttemptInsert);
  });
  await insert.execute(attempt);
}

/** Records the attempts of a batch: one prepared statement, whatever the number of rows (`Conn.jsonRows`). */
export async function insertAttempts(tx: Tx, attempts: AttemptInsert[]): Promise<void> {
  if (attempts.length === 0) {
    return;
  }
  const columns = jsonColumnsOf(tx.t.deliveryAttempts, "seq");
  const insert = prepared(tx, "delivery_attempts_insert_rows", (d) =>
    d.insert(d.t.deliveryAttempts).select(d.jsonRows("rows", columns)),
  );
  await insert.execute({ rows: encodeRows(attempts, columns) });
}

export type Settle = {
  id: string;
  state: MessageRow["state"];
  nextAttemptAt: Date | null;
  attempts: number;
  finishedAt: Date | null;
};

/**
 * Settles the messages of a batch after their attempts, each only while the batch's lease (`token`) still holds it
 * and it is still pending (a worker whose lease ran out, or a message failed meanwhile because its endpoint went away,
 * changes nothing): one prepared UPDATE … FROM the rows (`Conn.jsonRows`), whatever their number.
 */
export async function settleMessages(tx: Tx, token: string, settles: Settle[]): Promise<void> {
  if (settles.length === 0) {
    return;
  }
  const { outboundMessages: t } = tx.t;
  const columns = [
    { key: "id", column: t.id },
    { key: "state", column: t.state },
    { key: "nextAttemptAt", column: t.nextAttemptAt },
    { key: "attempts", column: t.attempts },
    { key: "finishedAt", column: t.finishedAt },
  ];
  const update = prepared(tx, "outbound_messages_settle_rows", (d) => {
    const { outboundMessages: m } = d.t;
    return d
      .update(m)
      .set({
        state: sql`s.c1`,
        nextAttemptAt: sql`s.c2`,
        attempts: sql`s.c3`,
        finishedAt: sql`s.c4`,
        leaseToken: null,
        leaseUntil: null,
      })
      .from(sql`(${d.jsonRows("rows", columns)}) as s`)
      .where(and(eq(m.id, sql`s.c0`), eq(m.leaseToken, sql.placeholder("token")), eq(m.state, "pending")));
  });
  await update.execute({ rows: encodeRows(settles, columns), token });
}

/** Fails every pending message to a target (an endpoint disabled or deleted), saying why in its attempt log. */
export async function failPendingMessages(
  tx: Tx,
  input: { channel: DeliveryChannelName; target: string; now: Date; why: string },
): Promise<number> {
  const { outboundMessages: m } = tx.t;
  const rows = await tx
    .update(m)
    .set({ state: "failed", nextAttemptAt: null, finishedAt: input.now, leaseToken: null, leaseUntil: null })
    .where(and(eq(m.channel, input.channel), eq(m.target, input.target), eq(m.state, "pending")))
    .returning({ id: m.id, eventId: m.eventId });
  for (const row of rows) {
    await insertAttempt(tx, {
      messageId: row.id,
      channel: input.channel,
      target: input.target,
      eventId: row.eventId,
      attemptedAt: input.now,
      outcome: "failed",
      code: null,
      answer: input.why,
      latencyMs: 0,
    });
  }
  return rows.length;
}

/**
 * Schedules a message now, whatever became of it before (a replay): a new one when the channel never owed it, else
 * the same message pending again with a new run of attempts (its attempt log is kept).
 */
export async function scheduleMessageNow(tx: Tx, row: MessageInsert & { scheduledAt: Date }): Promise<string> {
  const { outboundMessages: m } = tx.t;
  const [scheduled] = await tx
    .insert(m)
    .values({ ...row, state: "pending", nextAttemptAt: row.scheduledAt })
    .onConflictDoUpdate({
      target: [m.channel, m.eventSeq, m.target],
      set: {
        state: "pending",
        attempts: 0,
        scheduledAt: row.scheduledAt,
        nextAttemptAt: row.scheduledAt,
        finishedAt: null,
      },
    })
    .returning({ id: m.id });
  return scheduled?.id ?? row.id;
}

export async function findMessage(db: Conn, id: string): Promise<MessageRow | undefined> {
  const { outboundMessages: m } = db.t;
  const [row] = await db.select().from(m).where(eq(m.id, id)).limit(1);
  return row;
}

/** The messages about one credential, oldest first. */
export async function messagesOfCredential(db: Conn, credentialId: string): Promise<MessageRow[]> {
  const { outboundMessages: m } = db.t;
  return db
    .select()
    .from(m)
    .where(eq(m.credentialId, credentialId))
    .orderBy(asc(m.eventSeq), asc(m.channel), asc(m.target));
}

/** Every attempt at these messages, oldest first. */
export async function attemptsOfMessages(db: Conn, ids: string[]): Promise<AttemptRow[]> {
  if (ids.length === 0) {
    return [];
  }
  const { deliveryAttempts: a } = db.t;
  return db.select().from(a).where(inArray(a.messageId, ids)).orderBy(asc(a.seq));
}

/** Attempts to one target of a channel (an endpoint's delivery log), newest first. */
export async function attemptsOfTarget(
  db: Conn,
  query: { channel: DeliveryChannelName; target: string; before?: number; limit: number },
): Promise<AttemptRow[]> {
  const { deliveryAttempts: a } = db.t;
  const filters: SQL[] = [eq(a.channel, query.channel), eq(a.target, query.target)];
  if (query.before !== undefined) {
    filters.push(lt(a.seq, query.before));
  }
  return db
    .select()
    .from(a)
    .where(and(...filters))
    .orderBy(desc(a.seq))
    .limit(query.limit);
}
