import { advanceCursor } from "../domain/delivery/cursor.js";
import { nextAttemptAt, retryPolicy } from "../domain/delivery/retry.js";
import { timeOrderedId } from "../domain/time-ordered-id.js";
import { initialCursor, readCursor, writeCursor } from "../storage/delivery-cursors-repo.js";
import {
  type AttemptInsert,
  type DeliveryChannelName,
  insertAttempts,
  insertMessages,
  leaseDueMessages,
  type MessageRow,
  type Settle,
  settleMessages,
} from "../storage/delivery-repo.js";
import { type EventRow, eventsAfter, eventsInRanges, findEventsBySeq } from "../storage/events-repo.js";
import type { Tx } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";

/**
 * The one delivery loop every built-in channel (e-mail, webhooks) runs on, over the events outbox.
 *
 * Each batch of a channel is one transaction holding its `claim:<outbox channel>` and `deliver:<channel>` locks:
 * 1. Record the outcomes of the channel's previous batch: the attempt (kept even if the lease ran out) and the
 *    message settled (delivered; failed for good; or pending again at the next time of the retry schedule, failed
 *    once the attempts or the horizon are spent), only while that batch's lease still holds it.
 * 2. Lease the messages that are due (retries), oldest first.
 * 3. Fill the batch with new events taken from the outbox past the channel's cursor (`delivery_cursors`: reads
 *    what is new and the numbers that may still commit late, never the history; src/domain/delivery/cursor.ts): write
 *    the messages each owes on this channel (`outbound_messages`, unique per channel, event and target), already
 *    leased to this worker, and advance the cursor. The messages exist exactly when the cursor has moved past their
 *    events: nothing is lost between.
 * Then the batch is attempted outside any transaction (network). A worker that dies before its batch is recorded
 * leaves those messages leased; they are due again when the lease ends, so every message is attempted at least once
 * more, under the same message id (receivers de-duplicate on it).
 */

/** What one attempt came to: `retry` for a temporary failure, `failed` for a permanent one. */
export type AttemptResult = {
  outcome: "delivered" | "retry" | "failed";
  /** SMTP reply code or HTTP status; null when nothing answered. */
  code: number | null;
  /** The first bytes of the answer, or what went wrong (never an address or a secret). */
  answer: string;
};

/** A message an event owes: to whom (address, endpoint id), of which kind; `skip` says why it is not sent. */
export type PlannedMessage = { target: string; kind: string; skip?: string };

/**
 * What the messages of one take (or one lease) share: `once(key, load)` loads a value at its first use in the batch
 * and gives the same value to every later use (the enabled webhook endpoints, read once per batch, not per message).
 */
export type Batch = {
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** The value `once` loaded under `key`, once it has (undefined before): to use it without awaiting again. */
  loaded<T>(key: string): T | undefined;
};

function newBatch(): Batch {
  const values = new Map<string, Promise<unknown>>();
  const settled = new Map<string, unknown>();
  return {
    once<T>(key: string, load: () => Promise<T>): Promise<T> {
      let value = values.get(key) as Promise<T> | undefined;
      if (value === undefined) {
        value = load().then((v) => {
          settled.set(key, v);
          return v;
        });
        values.set(key, value);
      }
      return value;
    },
    loaded<T>(key: string): T | undefined {
      return settled.get(key) as T | undefined;
    },
  };
}

export type DeliveryChannel<Prepared = undefined> = {
  name: DeliveryChannelName;
  /** The events outbox channel it takes under (its cursor, `delivery_cursors`, is kept apart from others'). */
  outbox: string;
  /** The messages an event owes on this channel (database reads only: it runs in the take transaction). */
  plan: (tx: Tx, event: EventRow, batch: Batch) => Promise<PlannedMessage[]>;
  /** Database work for a leased message before it is attempted (in the lease transaction), e.g. storing a token. */
  prepare?: (tx: Tx, message: MessageRow, batch: Batch) => Prepared | Promise<Prepared>;
  /**
   * Attempts a message (outside any transaction), given the event it carries (read with the lease; undefined when
   * the event is gone). Throwing counts as a temporary failure.
   */
  attempt: (message: MessageRow, prepared: Prepared, event: EventRow | undefined) => Promise<AttemptResult>;
  /**
   * Database work after an attempt was recorded (same transaction), e.g. an endpoint's failure streak; `state` is
   * what became of the message (`failed` after a `retry` result: given up); `batch` is shared by the messages recorded
   * together (called after all of them are settled, in the order their attempts ended).
   */
  settled?: (
    tx: Tx,
    message: MessageRow,
    result: AttemptResult,
    at: Date,
    state: MessageRow["state"],
    batch: Batch,
  ) => Promise<void>;
};

// biome-ignore lint/suspicious/noExplicitAny: a list of channels whose prepared values differ
export type AnyDeliveryChannel = DeliveryChannel<any>;

/** How many events one take claims, how many messages one lease holds, how many attempts run at once. */
export const TAKE_LIMIT = 200;
export const LEASE_LIMIT = 100;
export const ATTEMPT_CONCURRENCY = 8;

/** A worker's hold on messages: its token, until when. */
type Lease = { token: string; until: Date };

function newLease(ctx: ServiceContext, now: Date): Lease {
  return { token: ctx.newSecret(), until: new Date(now.getTime() + ctx.config.delivery.leaseSeconds * 1000) };
}

/**
 * Writes the messages that claimed events owe on a channel. With `hold`, the first `hold.limit` messages to send are
 * written leased to it (the worker that took them attempts them at once, without leasing them again); the rest are
 * pending, due now. Returns the messages written now and held (a message already there, of a retaken event, stays as
 * it is: it is due or done on its own).
 */
async function writeMessages(
  ctx: ServiceContext,
  tx: Tx,
  channel: AnyDeliveryChannel,
  events: EventRow[],
  now: Date,
  hold?: Lease & { limit: number },
): Promise<MessageRow[]> {
  const rows: MessageRow[] = [];
  const skipped = new Map<string, string>();
  const batch = newBatch();
  let held = 0;
  for (const event of events) {
    for (const planned of await channel.plan(tx, event, batch)) {
      const id = timeOrderedId(now, ctx.newId());
      if (planned.skip) {
        skipped.set(id, planned.skip);
      }
      const holds = hold !== undefined && !planned.skip && held < hold.limit;
      held += holds ? 1 : 0;
      rows.push({
        id,
        channel: channel.name,
        eventSeq: event.seq,
        eventId: event.id,
        credentialId: event.credentialId,
        target: planned.target,
        kind: planned.kind,
        state: planned.skip ? "skipped" : "pending",
        attempts: 0,
        scheduledAt: now,
        nextAttemptAt: planned.skip ? null : now,
        finishedAt: planned.skip ? now : null,
        leaseToken: holds ? (hold?.token ?? null) : null,
        leaseUntil: holds ? (hold?.until ?? null) : null,
      });
    }
  }
  const inserted = new Set(await insertMessages(tx, rows));
  // A message not sent is still recorded, with the reason: nothing is dropped silently.
  const skips: AttemptInsert[] = [];
  for (const row of rows) {
    const why = skipped.get(row.id);
    if (why && inserted.has(row.id)) {
      skips.push({
        messageId: row.id,
        channel: channel.name,
        target: row.target,
        eventId: row.eventId,
        attemptedAt: now,
        outcome: "skipped",
        code: null,
        answer: why,
        latencyMs: 0,
      });
    }
  }
  await insertAttempts(tx, skips);
  return rows.filter((row) => row.leaseToken !== null && inserted.has(row.id));
}

/**
 * Takes up to `limit` events for a channel from the outbox, past its cursor: first those that turned up in the cursor's
 * gaps (committed late), then what is new, oldest first; stores the advanced cursor. Call it in the channel's take
 * transaction (its `claim:<outbox>` lock) and write the messages the events owe in the same transaction: the cursor
 * moves exactly when they are written.
 */
async function takeFromCursor(
  ctx: ServiceContext,
  tx: Tx,
  channel: AnyDeliveryChannel,
  now: Date,
  limit: number,
): Promise<EventRow[]> {
  const stored = await readCursor(tx, channel.outbox);
  // SQLite commits one writer at a time, in sequence order: no event can be in flight below a new cursor's start
  const cursor = stored ?? (await initialCursor(tx, channel.outbox, { now, commitsInOrder: tx.engine === "sqlite" }));
  const late = await eventsInRanges(tx, cursor.gaps, limit);
  const fresh = late.length < limit ? await eventsAfter(tx, cursor.afterSeq, limit - late.length) : [];
  const { cursor: next, givenUp } = advanceCursor(
    cursor,
    { fromGaps: late.map((e) => e.seq), fresh: fresh.map((e) => e.seq) },
    now.getTime(),
  );
  for (const gap of givenUp) {
    // Mostly numbers burned by a de-duplicated append (the expiry reminders' sweep) or a rollback, which never commit.
    ctx.logger.info("delivery: event numbers not committed within the late-commit window; taken as never written", {
      channel: channel.outbox,
      from: gap.from,
      to: gap.to,
      since: new Date(gap.since).toISOString(),
    });
  }
  const moved = late.length > 0 || fresh.length > 0 || givenUp.length > 0;
  // Stored at the first take too: a cursor started again later would not know the numbers missing until then.
  if (moved || stored === undefined || cursor.gaps.length !== next.gaps.length) {
    await writeCursor(tx, channel.outbox, next, now);
  }
  return [...late, ...fresh];
}

/** Takes the next events from the outbox for a channel and writes the messages they owe. Returns the events taken. */
export async function takeEvents(ctx: ServiceContext, channel: AnyDeliveryChannel): Promise<number> {
  const now = ctx.clock();
  return ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `claim:${channel.outbox}`);
    const events = await takeFromCursor(ctx, tx, channel, now, TAKE_LIMIT);
    await writeMessages(ctx, tx, channel, events, now);
    return events.length;
  });
}

/** A message held by this worker, ready to attempt: what `prepare` made of it, the event it carries. */
type Held = { message: MessageRow; prepared: unknown; event: EventRow | undefined; token: string };

/** An attempt that ended, waiting to be recorded. */
type Ended = { message: MessageRow; token: string; result: AttemptResult; latencyMs: number; at: Date };

/**
 * One batch's transaction: records the outcomes of the channel's previous batch (`ended`), leases the messages that
 * are due (retries first: they are older), and fills the rest of the batch with new events from the outbox, whose
 * messages are written already leased. One transaction per batch, where record, take and lease took six.
 */
async function nextBatch(
  ctx: ServiceContext,
  channel: AnyDeliveryChannel,
  ended: Ended[],
): Promise<{ taken: number; held: Held[] }> {
  const now = ctx.clock();
  const lease = newLease(ctx, now);
  return ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `claim:${channel.outbox}`);
    await ctx.store.lock(tx, `deliver:${channel.name}`);
    await recordAttempts(ctx, tx, channel, ended);
    const due = await leaseDueMessages(tx, {
      channel: channel.name,
      now,
      token: lease.token,
      leaseUntil: lease.until,
      limit: LEASE_LIMIT,
    });
    // The events the due messages carry, in one read (not one per attempt).
    const events = await findEventsBySeq(
      tx,
      due.map((m) => m.eventSeq),
    );
    let taken = 0;
    const messages = [...due];
    if (due.length < LEASE_LIMIT) {
      const claimed = await takeFromCursor(ctx, tx, channel, now, LEASE_LIMIT - due.length);
      if (claimed.length > 0) {
        const hold = { ...lease, limit: LEASE_LIMIT - due.length };
        messages.push(...(await writeMessages(ctx, tx, channel, claimed, now, hold)));
        for (const event of claimed) {
          events.set(event.seq, event);
        }
        taken = claimed.length;
      }
    }
    const batch = newBatch();
    const held: Held[] = [];
    for (const message of messages) {
      // Awaited only when it is a promise: a value the batch already holds costs no turn of the event loop per message.
      const value = channel.prepare?.(tx, message, batch);
      const prepared = value instanceof Promise ? await value : value;
      held.push({ message, prepared, event: events.get(message.eventSeq), token: lease.token });
    }
    return { taken, held };
  });
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : "unknown error";
}

/** Attempts each held message once, `ATTEMPT_CONCURRENCY` at a time; returns the outcomes (not yet recorded). */
async function attemptAll(ctx: ServiceContext, channel: AnyDeliveryChannel, held: Held[]): Promise<Ended[]> {
  const ended: Ended[] = [];
  await eachLimited(held, ATTEMPT_CONCURRENCY, async ({ message, prepared, event, token }) => {
    const started = performance.now();
    let result: AttemptResult;
    try {
      result = await channel.attempt(message, prepared, event);
    } catch (error) {
      result = { outcome: "retry", code: null, answer: describeError(error) };
    }
    ended.push({ message, token, result, latencyMs: Math.round(performance.now() - started), at: ctx.clock() });
  });
  return ended;
}

/**
 * Records attempts and settles their messages (each only while its lease still holds it), in the caller's transaction:
 * one statement for the attempts and one per lease for the messages, whatever the batch's size; then the channel's
 * `settled` work, message by message, in the order the attempts ended.
 */
async function recordAttempts(ctx: ServiceContext, tx: Tx, channel: AnyDeliveryChannel, ended: Ended[]): Promise<void> {
  if (ended.length === 0) {
    return;
  }
  const { maxAttempts, retryHorizonHours } = ctx.config.delivery;
  const attemptRows: AttemptInsert[] = [];
  const settles = new Map<string, Settle[]>();
  const states: MessageRow["state"][] = [];
  for (const { message, token, result, latencyMs, at } of ended) {
    const attempts = message.attempts + 1;
    let next: Date | undefined;
    if (result.outcome === "retry" && attempts < maxAttempts) {
      next = nextAttemptAt(retryPolicy(retryHorizonHours), {
        now: at,
        scheduledAt: message.scheduledAt,
        failedAttempts: attempts,
        random: ctx.randomInt(1_000_000) / 1_000_000,
      });
    }
    const gaveUp = result.outcome === "retry" && !next;
    const state: MessageRow["state"] = result.outcome === "delivered" ? "delivered" : next ? "pending" : "failed";
    states.push(state);
    // The attempt happened: it is kept even when this worker's lease ran out meanwhile.
    attemptRows.push({
      messageId: message.id,
      channel: channel.name,
      target: message.target,
      eventId: message.eventId,
      attemptedAt: at,
      outcome: gaveUp ? "failed" : result.outcome,
      code: result.code,
      answer: gaveUp ? `${result.answer} (given up after ${attempts} attempts)` : result.answer,
      latencyMs,
    });
    const settle = {
      id: message.id,
      state,
      nextAttemptAt: next ?? null,
      attempts,
      finishedAt: state === "pending" ? null : at,
    };
    const group = settles.get(token);
    if (group) {
      group.push(settle);
    } else {
      settles.set(token, [settle]);
    }
  }
  await insertAttempts(tx, attemptRows);
  for (const [token, group] of settles) {
    await settleMessages(tx, token, group);
  }
  if (channel.settled) {
    const batch = newBatch();
    for (const [i, { message, result, at }] of ended.entries()) {
      await channel.settled(tx, message, result, at, states[i] as MessageRow["state"], batch);
    }
  }
}

export type DeliveryRound = { taken: number; attempted: number };

/**
 * One round of periodic delivery: passes over the channels in turn (each one batch: record the outcomes of its
 * previous batch, lease what is due, take new events, attempt them all), until a pass finds nothing to do anywhere,
 * or after `maxPasses` (the next round goes on). Taking turns keeps a busy channel from holding the others back.
 *
 * A batch's outcomes are recorded in the channel's next batch transaction (or at the end of the round): a process
 * killed before that leaves the batch's messages leased, and they are attempted again, under the same id, when the
 * lease ends. At most one batch per channel is ever attempted and not yet recorded.
 */
export async function runDelivery(
  ctx: ServiceContext,
  channels: readonly AnyDeliveryChannel[],
  maxPasses = 20,
): Promise<DeliveryRound> {
  const total: DeliveryRound = { taken: 0, attempted: 0 };
  const unrecorded = new Map<AnyDeliveryChannel, Ended[]>();
  try {
    for (let pass = 0; pass < maxPasses; pass++) {
      let busy = false;
      for (const channel of channels) {
        const { taken, held } = await nextBatch(ctx, channel, unrecorded.get(channel) ?? []);
        unrecorded.delete(channel);
        unrecorded.set(channel, await attemptAll(ctx, channel, held));
        total.taken += taken;
        total.attempted += held.length;
        busy ||= taken > 0 || held.length > 0;
      }
      if (!busy) {
        break;
      }
    }
  } finally {
    for (const [channel, ended] of unrecorded) {
      if (ended.length > 0) {
        await ctx.store.tx((tx) => recordAttempts(ctx, tx, channel, ended));
      }
    }
  }
  return total;
}
