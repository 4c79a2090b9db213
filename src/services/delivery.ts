import { nextAttemptAt, retryPolicy } from "../domain/delivery/retry.js";
import {
  type DeliveryChannelName,
  insertAttempt,
  insertMessages,
  leaseDueMessages,
  type MessageInsert,
  type MessageRow,
  settleMessage,
} from "../storage/delivery-repo.js";
import { acknowledgeEvents, claimEvents, type EventRow, findEventsBySeq } from "../storage/events-repo.js";
import type { Tx } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";

/**
 * The one delivery loop every built-in channel (e-mail, webhooks) runs on, over the events outbox.
 *
 * 1. Take: in one transaction holding the channel's `claim:<outbox channel>` lock, claim new events from the outbox,
 *    write the messages each owes on this channel (`outbound_messages`, unique per channel, event and target), and
 *    acknowledge the events. The messages exist exactly when the events are acknowledged: nothing is lost between.
 * 2. Deliver: in a short transaction holding `deliver:<channel>`, lease the messages that are due; attempt each outside
 *    any transaction (network); then record the attempt and settle the message (delivered; failed for good; or
 *    pending again at the next time of the retry schedule, failed once the attempts or the horizon are spent).
 *    A worker that dies mid-attempt leaves its messages leased; they are due again when the lease ends, so every
 *    message is attempted at least once more, under the same message id (receivers de-duplicate on it).
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
export type Batch = { once<T>(key: string, load: () => Promise<T>): Promise<T> };

function newBatch(): Batch {
  const values = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, load: () => Promise<T>): Promise<T> {
      let value = values.get(key) as Promise<T> | undefined;
      if (value === undefined) {
        value = load();
        values.set(key, value);
      }
      return value;
    },
  };
}

export type DeliveryChannel<Prepared = undefined> = {
  name: DeliveryChannelName;
  /** The events outbox channel it claims under (its claims and acknowledgements are kept apart from others'). */
  outbox: string;
  /** The messages an event owes on this channel (database reads only: it runs in the take transaction). */
  plan: (tx: Tx, event: EventRow, batch: Batch) => Promise<PlannedMessage[]>;
  /** Database work for a leased message before it is attempted (in the lease transaction), e.g. storing a token. */
  prepare?: (tx: Tx, message: MessageRow, batch: Batch) => Promise<Prepared>;
  /**
   * Attempts a message (outside any transaction), given the event it carries (read with the lease; undefined when
   * the event is gone). Throwing counts as a temporary failure.
   */
  attempt: (message: MessageRow, prepared: Prepared, event: EventRow | undefined) => Promise<AttemptResult>;
  /**
   * Database work after an attempt was recorded (same transaction), e.g. an endpoint's failure streak; `state` is
   * what became of the message (`failed` after a `retry` result: given up).
   */
  settled?: (tx: Tx, message: MessageRow, result: AttemptResult, at: Date, state: MessageRow["state"]) => Promise<void>;
};

// biome-ignore lint/suspicious/noExplicitAny: a list of channels whose prepared values differ
export type AnyDeliveryChannel = DeliveryChannel<any>;

/** How many events one take claims, how many messages one lease holds, how many attempts run at once. */
export const TAKE_LIMIT = 200;
export const LEASE_LIMIT = 100;
export const ATTEMPT_CONCURRENCY = 8;
/** How many outcomes one recording transaction holds (the last of a lease may hold fewer). */
export const RECORD_EVERY = 25;

/** Takes the next events from the outbox for a channel and writes the messages they owe. Returns the events taken. */
export async function takeEvents(ctx: ServiceContext, channel: AnyDeliveryChannel): Promise<number> {
  const now = ctx.clock();
  const token = ctx.newSecret();
  const leaseUntil = new Date(now.getTime() + ctx.config.delivery.leaseSeconds * 1000);
  return ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `claim:${channel.outbox}`);
    const events = await claimEvents(tx, { channel: channel.outbox, token, now, leaseUntil, limit: TAKE_LIMIT });
    if (events.length === 0) {
      return 0;
    }
    const rows: MessageInsert[] = [];
    const skipped = new Map<string, string>();
    const batch = newBatch();
    for (const event of events) {
      for (const planned of await channel.plan(tx, event, batch)) {
        const id = ctx.newId();
        if (planned.skip) {
          skipped.set(id, planned.skip);
        }
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
        });
      }
    }
    const inserted = new Set(await insertMessages(tx, rows));
    // A message not sent is still recorded, with the reason: nothing is dropped silently.
    for (const row of rows) {
      const why = skipped.get(row.id);
      if (why && inserted.has(row.id)) {
        await insertAttempt(tx, {
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
    await acknowledgeEvents(tx, { channel: channel.outbox, token, seqs: events.map((e) => e.seq), now });
    return events.length;
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

/** Leases the channel's due messages and attempts each once. Returns how many were attempted. */
export async function deliverDue(ctx: ServiceContext, channel: AnyDeliveryChannel): Promise<number> {
  const now = ctx.clock();
  const token = ctx.newSecret();
  const leaseUntil = new Date(now.getTime() + ctx.config.delivery.leaseSeconds * 1000);
  const leased = await ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `deliver:${channel.name}`);
    const messages = await leaseDueMessages(tx, { channel: channel.name, now, token, leaseUntil, limit: LEASE_LIMIT });
    // The events the messages carry, in one read (not one per attempt).
    const events = await findEventsBySeq(
      tx,
      messages.map((m) => m.eventSeq),
    );
    const batch = newBatch();
    const out: Array<{ message: MessageRow; prepared: unknown; event: EventRow | undefined }> = [];
    for (const message of messages) {
      const prepared = channel.prepare ? await channel.prepare(tx, message, batch) : undefined;
      out.push({ message, prepared, event: events.get(message.eventSeq) });
    }
    return out;
  });
  // Outcomes are recorded in batches of RECORD_EVERY, in the background while the next attempts run, and the rest at
  // the end (a transaction per outcome cost more than the attempt itself). A process killed before a batch is
  // committed leaves those messages leased: they are attempted again, under the same id, when the lease ends.
  const ended: Ended[] = [];
  let recording: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const record = () => {
    const batch = ended.splice(0);
    if (batch.length > 0) {
      recording = recording
        .then(() => (failure ? undefined : recordAttempts(ctx, channel, token, batch)))
        .catch((error: unknown) => {
          failure ??= { error };
        });
    }
  };
  await eachLimited(leased, ATTEMPT_CONCURRENCY, async ({ message, prepared, event }) => {
    const started = performance.now();
    let result: AttemptResult;
    try {
      result = await channel.attempt(message, prepared, event);
    } catch (error) {
      result = { outcome: "retry", code: null, answer: describeError(error) };
    }
    ended.push({ message, result, latencyMs: Math.round(performance.now() - started), at: ctx.clock() });
    if (ended.length >= RECORD_EVERY) {
      record();
    }
  });
  record();
  await recording;
  if (failure) {
    throw failure.error;
  }
  return leased.length;
}

/** An attempt that ended, waiting to be recorded. */
type Ended = { message: MessageRow; result: AttemptResult; latencyMs: number; at: Date };

/** Records attempts and settles their messages (each only while this lease still holds it), in one transaction. */
async function recordAttempts(
  ctx: ServiceContext,
  channel: AnyDeliveryChannel,
  token: string,
  batch: Ended[],
): Promise<void> {
  const { maxAttempts, retryHorizonHours } = ctx.config.delivery;
  const settled = batch.map(({ message, result, latencyMs, at }) => {
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
    return { message, result, latencyMs, at, attempts, next, gaveUp, state };
  });
  await ctx.store.tx(async (tx) => {
    for (const { message, result, latencyMs, at, attempts, next, gaveUp, state } of settled) {
      // The attempt happened: it is kept even when this worker's lease ran out meanwhile.
      await insertAttempt(tx, {
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
      await settleMessage(tx, {
        id: message.id,
        token,
        state,
        nextAttemptAt: next ?? null,
        attempts,
        finishedAt: state === "pending" ? null : at,
      });
      await channel.settled?.(tx, message, result, at, state);
    }
  });
}

export type DeliveryRound = { taken: number; attempted: number };

/**
 * One round of periodic delivery: passes over the channels in turn (each takes new events and attempts what is due,
 * one batch), until a pass finds nothing to do anywhere, or after `maxPasses` (the next round goes on). Taking turns
 * keeps a busy channel from holding the others back.
 */
export async function runDelivery(
  ctx: ServiceContext,
  channels: readonly AnyDeliveryChannel[],
  maxPasses = 20,
): Promise<DeliveryRound> {
  const total: DeliveryRound = { taken: 0, attempted: 0 };
  for (let pass = 0; pass < maxPasses; pass++) {
    let busy = false;
    for (const channel of channels) {
      const taken = await takeEvents(ctx, channel);
      const attempted = await deliverDue(ctx, channel);
      total.taken += taken;
      total.attempted += attempted;
      busy ||= taken > 0 || attempted > 0;
    }
    if (!busy) {
      break;
    }
  }
  return total;
}
