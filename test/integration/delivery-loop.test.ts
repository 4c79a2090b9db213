import { max } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { LATE_COMMIT_MS } from "../../src/domain/delivery/cursor.js";
import { type AttemptResult, type DeliveryChannel, runDelivery, takeEvents } from "../../src/services/delivery.js";
import { readCursor } from "../../src/storage/delivery-cursors-repo.js";
import { attemptsOfMessages, leaseDueMessages, type MessageRow } from "../../src/storage/delivery-repo.js";
import { appendEvent, type EventRow, eventsInRanges } from "../../src/storage/events-repo.js";
import { onPostgres } from "../helpers/database.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
afterEach(() => t.close());

/** A channel that answers from a script per event (then "delivered"), and records every attempt it was given. */
function scriptedChannel(script: AttemptResult["outcome"][] = []) {
  const calls: MessageRow[] = [];
  const channel: DeliveryChannel = {
    name: "webhook",
    outbox: "test.scripted",
    plan: async (_tx, event) => [{ target: "receiver", kind: event.type }],
    attempt: async (message) => {
      calls.push(message);
      const outcome = script[calls.filter((c) => c.id === message.id).length - 1] ?? "delivered";
      return { outcome, code: outcome === "delivered" ? 200 : 503, answer: outcome };
    },
  };
  return { channel, calls };
}

async function messagesOf(t: TestApp, credentialId: string) {
  const { outboundMessages: m } = t.store.conn().t;
  const rows = await t.store.conn().select().from(m);
  return rows.filter((r) => r.credentialId === credentialId);
}

describe("the delivery loop", () => {
  it("delivers each event once per target, and a second round finds nothing to do", async () => {
    t = await makeTestApp();
    const a = await issue(t);
    const b = await issue(t, { recipient: { email: "b@example.org", name: "B" } });
    const { channel, calls } = scriptedChannel();
    expect(await runDelivery(t.ctx, [channel])).toEqual({ taken: 2, attempted: 2 });
    expect(await runDelivery(t.ctx, [channel])).toEqual({ taken: 0, attempted: 0 });
    expect(calls.map((c) => c.credentialId).sort()).toEqual([a.id, b.id].sort());
    const [message] = await messagesOf(t, a.id);
    expect(message).toMatchObject({ state: "delivered", attempts: 1, nextAttemptAt: null });
  });

  it("two workers running at once attempt every message once", async () => {
    t = await makeTestApp();
    for (let i = 0; i < 5; i++) {
      await issue(t, { recipient: { email: `p${i}@example.org`, name: `P ${i}` } });
    }
    const { channel, calls } = scriptedChannel();
    await Promise.all([runDelivery(t.ctx, [channel]), runDelivery(t.ctx, [channel])]);
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => c.id)).size).toBe(5);
  });

  it("retries a temporary failure with growing backoff, under the same message id, until it is delivered", async () => {
    t = await makeTestApp();
    const a = await issue(t);
    const { channel, calls } = scriptedChannel(["retry", "retry"]);
    await runDelivery(t.ctx, [channel]);
    let [message] = await messagesOf(t, a.id);
    expect(message).toMatchObject({ state: "pending", attempts: 1 });
    const firstWait = (message?.nextAttemptAt?.getTime() ?? 0) - t.clock.now().getTime();
    expect(firstWait).toBeGreaterThanOrEqual(15_000);
    expect(firstWait).toBeLessThanOrEqual(30_000);

    // Not due yet: nothing happens.
    t.clock.advance(firstWait - 1);
    expect((await runDelivery(t.ctx, [channel])).attempted).toBe(0);
    t.clock.advance(1);
    await runDelivery(t.ctx, [channel]);
    [message] = await messagesOf(t, a.id);
    const secondWait = (message?.nextAttemptAt?.getTime() ?? 0) - t.clock.now().getTime();
    expect(secondWait).toBeGreaterThanOrEqual(30_000);
    expect(secondWait).toBeLessThanOrEqual(60_000);

    t.clock.advance(secondWait);
    await runDelivery(t.ctx, [channel]);
    [message] = await messagesOf(t, a.id);
    expect(message).toMatchObject({ state: "delivered", attempts: 3 });
    expect(new Set(calls.map((c) => c.id))).toEqual(new Set([message?.id]));
    const log = await attemptsOfMessages(t.store.conn(), [message?.id as string]);
    expect(log.map((l) => [l.outcome, l.code])).toEqual([
      ["retry", 503],
      ["retry", 503],
      ["delivered", 200],
    ]);
  });

  it("dead-letters a message after the configured number of attempts, and never attempts it again", async () => {
    t = await makeTestApp({ env: { LAUREL_DELIVERY_MAX_ATTEMPTS: "3" } });
    const a = await issue(t);
    const { channel, calls } = scriptedChannel(Array(10).fill("retry"));
    for (let i = 0; i < 6; i++) {
      await runDelivery(t.ctx, [channel]);
      t.clock.advance(60 * 60 * 1000);
    }
    expect(calls).toHaveLength(3);
    const [message] = await messagesOf(t, a.id);
    expect(message).toMatchObject({ state: "failed", attempts: 3, nextAttemptAt: null });
    const log = await attemptsOfMessages(t.store.conn(), [message?.id as string]);
    expect(log.at(-1)).toMatchObject({ outcome: "failed", answer: "retry (given up after 3 attempts)" });
  });

  it("records a permanent failure once and does not retry it", async () => {
    t = await makeTestApp();
    const a = await issue(t);
    const { channel, calls } = scriptedChannel(["failed"]);
    await runDelivery(t.ctx, [channel]);
    t.clock.advance(24 * 60 * 60 * 1000);
    await runDelivery(t.ctx, [channel]);
    expect(calls).toHaveLength(1);
    expect((await messagesOf(t, a.id))[0]).toMatchObject({ state: "failed", attempts: 1 });
  });

  it("a worker that dies holding messages leaves them to the next one once its lease ends", async () => {
    t = await makeTestApp();
    const a = await issue(t);
    const { channel, calls } = scriptedChannel();
    await takeEvents(t.ctx, channel);
    // A worker leases the message, then dies before attempting it.
    const now = t.clock.now();
    await t.store.tx((tx) =>
      leaseDueMessages(tx, {
        channel: "webhook",
        now,
        token: "dead-worker",
        leaseUntil: new Date(now.getTime() + 120_000),
        limit: 10,
      }),
    );
    expect((await runDelivery(t.ctx, [channel])).attempted).toBe(0);
    t.clock.advance(120_000);
    expect((await runDelivery(t.ctx, [channel])).attempted).toBe(1);
    expect(calls.map((c) => c.credentialId)).toEqual([a.id]);
    expect((await messagesOf(t, a.id))[0]).toMatchObject({ state: "delivered" });
  });

  it("a message the channel does not send is recorded as skipped, with the reason", async () => {
    t = await makeTestApp();
    const a = await issue(t);
    const { channel, calls } = scriptedChannel();
    channel.plan = async () => [{ target: "receiver", kind: "x", skip: "turned off" }];
    await runDelivery(t.ctx, [channel]);
    expect(calls).toHaveLength(0);
    const [message] = await messagesOf(t, a.id);
    expect(message).toMatchObject({ state: "skipped" });
    const log = await attemptsOfMessages(t.store.conn(), [message?.id as string]);
    expect(log).toMatchObject([{ outcome: "skipped", answer: "turned off" }]);
  });
});

/** An event of no credential (the scripted channel owes one message for any event). */
function anEvent(t: TestApp, id: string): Omit<EventRow, "seq"> {
  return { id, type: "credential.issued", credentialId: null, occurredAt: t.clock.now(), payload: {}, dedupeKey: null };
}

async function lastSeq(t: TestApp): Promise<number> {
  const { events } = t.store.conn().t;
  const [row] = await t.store
    .conn()
    .select({ seq: max(events.seq) })
    .from(events);
  return Number(row?.seq ?? 0);
}

/** Writes an event under a sequence number of our choosing: what a transaction committing late looks like. */
async function appendAt(t: TestApp, seq: number): Promise<void> {
  await t.store.tx(async (tx) => {
    await tx.insert(tx.t.events).values({ seq, ...anEvent(t, `event-${seq}`) });
  });
}

/**
 * Appends an event in a transaction left open (PostgreSQL: two write transactions at once) once its number is taken;
 * `release` lets it commit, `slow` settles when it has.
 */
async function appendInFlight(t: TestApp, id: string): Promise<{ release: () => void; slow: Promise<void> }> {
  let appended!: () => void;
  let release!: () => void;
  const inFlight = new Promise<void>((resolve) => {
    appended = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const slow = t.store.tx(async (tx) => {
    await appendEvent(tx, anEvent(t, id));
    appended();
    await gate;
  });
  await inFlight;
  return { release, slow };
}

describe("the delivery loop's cursor over the outbox", () => {
  it("delivers once an event that commits late under a lower number than one already taken", async () => {
    t = await makeTestApp();
    await issue(t);
    const { channel, calls } = scriptedChannel();
    await runDelivery(t.ctx, [channel]);
    const base = await lastSeq(t);
    expect((await t.store.tx((tx) => readCursor(tx, channel.outbox)))?.afterSeq).toBe(base);
    // base + 2 is missing when base + 3 is taken: a transaction that holds it may still commit.
    await appendAt(t, base + 1);
    await appendAt(t, base + 3);
    await runDelivery(t.ctx, [channel]);
    expect(calls.slice(1).map((c) => c.eventSeq)).toEqual([base + 1, base + 3]);
    expect(await t.store.tx((tx) => readCursor(tx, channel.outbox))).toMatchObject({
      afterSeq: base + 3,
      gaps: [{ from: base + 2, to: base + 2 }],
    });
    await appendAt(t, base + 2);
    expect(await runDelivery(t.ctx, [channel])).toEqual({ taken: 1, attempted: 1 });
    expect(await runDelivery(t.ctx, [channel])).toEqual({ taken: 0, attempted: 0 });
    expect(calls.slice(1).map((c) => c.eventSeq)).toEqual([base + 1, base + 3, base + 2]);
    expect((await t.store.tx((tx) => readCursor(tx, channel.outbox)))?.gaps).toEqual([]);
  });

  it("gives a missing number up after the late-commit window, saying so in the log", async () => {
    t = await makeTestApp();
    const { channel } = scriptedChannel();
    await runDelivery(t.ctx, [channel]);
    const base = await lastSeq(t);
    await appendAt(t, base + 3);
    await runDelivery(t.ctx, [channel]);
    const gaps = [{ from: base + 1, to: base + 2 }];
    expect((await t.store.tx((tx) => readCursor(tx, channel.outbox)))?.gaps).toMatchObject(gaps);
    t.clock.advance(LATE_COMMIT_MS - 1000);
    await runDelivery(t.ctx, [channel]);
    expect((await t.store.tx((tx) => readCursor(tx, channel.outbox)))?.gaps).toMatchObject(gaps);
    t.clock.advance(1000);
    await runDelivery(t.ctx, [channel]);
    expect((await t.store.tx((tx) => readCursor(tx, channel.outbox)))?.gaps).toEqual([]);
    expect(t.logLines.some((line) => line.includes("not committed within the late-commit window"))).toBe(true);
  });

  // Two write transactions at once: PostgreSQL only (SQLite runs one at a time, in sequence order).
  it.runIf(onPostgres)(
    "a transaction that commits after a later-numbered one: its event is delivered, once",
    async () => {
      t = await makeTestApp();
      const { channel, calls } = scriptedChannel();
      await runDelivery(t.ctx, [channel]);
      const { release, slow } = await appendInFlight(t, "slow");
      await t.store.tx((tx) => appendEvent(tx, anEvent(t, "fast")));
      await runDelivery(t.ctx, [channel]);
      expect(calls.map((c) => c.eventId)).toEqual(["fast"]);
      release();
      await slow;
      await runDelivery(t.ctx, [channel]);
      await runDelivery(t.ctx, [channel]);
      expect(calls.map((c) => c.eventId)).toEqual(["fast", "slow"]);
      const [fast, slowCall] = calls;
      expect(slowCall?.eventSeq).toBeLessThan(fast?.eventSeq as number);
    },
  );

  // PostgreSQL only, as above: an event still being written when a channel takes for the first time.
  it.runIf(onPostgres)("an event in flight below a new cursor's start is delivered once it commits", async () => {
    t = await makeTestApp();
    const { channel, calls } = scriptedChannel();
    const { release, slow } = await appendInFlight(t, "slow");
    await t.store.tx((tx) => appendEvent(tx, anEvent(t, "fast")));
    await runDelivery(t.ctx, [channel]); // the channel's first take: its cursor starts here
    expect(calls.map((c) => c.eventId)).toEqual(["fast"]);
    release();
    await slow;
    await runDelivery(t.ctx, [channel]);
    await runDelivery(t.ctx, [channel]);
    expect(calls.map((c) => c.eventId)).toEqual(["fast", "slow"]);
  });

  it("looks for a thousand missing ranges at once (SQLite refuses one statement of about 1,000)", async () => {
    t = await makeTestApp();
    const base = await lastSeq(t);
    for (const k of [2, 1000, 2000]) {
      await appendAt(t, base + k);
    }
    const ranges = Array.from({ length: 1200 }, (_, i) => ({ from: base + 2 * i + 1, to: base + 2 * i + 2 }));
    const found = await t.store.tx((tx) => eventsInRanges(tx, ranges, 10));
    expect(found.map((e) => e.seq)).toEqual([base + 2, base + 1000, base + 2000]);
    expect((await t.store.tx((tx) => eventsInRanges(tx, ranges, 2))).map((e) => e.seq)).toEqual([
      base + 2,
      base + 1000,
    ]);
  });
});
