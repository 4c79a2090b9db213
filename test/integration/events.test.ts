import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emitExpiringEvents } from "../../src/services/events.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { adminGet, adminPost, issue, readProblem } from "../helpers/http.js";
import { keyWith, lifecycle, makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  makeSuspendable(t, "field-product-certification-sales");
});
afterEach(() => t.close());

const DAY = 86_400_000;

type EventView = { seq: number; id: string; type: string; credentialId: string; occurredAt: string; payload: any };
type Page = { items: EventView[]; nextAfter: number | null };

async function events(t: TestApp, query = ""): Promise<Page> {
  const res = await adminGet(t, `/admin/events${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

describe("the events outbox", () => {
  it("records issued, suspended, reinstated, revoked and superseded events with the change, in order", async () => {
    const a = await issue(t, { achievementId: "field-product-certification-sales" });
    await lifecycle(t, a.id, "suspend", { reason: "audit", reasonPublic: true });
    await lifecycle(t, a.id, "reinstate", { reason: "cleared" });
    const reissued = await lifecycle(t, a.id, "reissue", { reason: "typo", recipient: { name: "Ada L." } });
    const fresh = ((await reissued.json()) as { credential: { id: string } }).credential.id;
    await lifecycle(t, fresh, "revoke", { reason: "fraud" });

    const { items } = await events(t);
    expect(items.map((e) => [e.type, e.credentialId])).toEqual([
      ["credential.issued", a.id],
      ["credential.suspended", a.id],
      ["credential.reinstated", a.id],
      ["credential.issued", fresh],
      ["credential.superseded", a.id],
      ["credential.revoked", fresh],
    ]);
    expect(items.map((e) => e.seq)).toEqual([...items.map((e) => e.seq)].sort((x, y) => x - y));
    expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
    expect(items[0]?.payload).toMatchObject({
      credentialId: a.id,
      achievementId: "field-product-certification-sales",
      recipient: { email: "ada@example.org", name: "Ada Lovelace" },
      validFrom: expect.any(String),
    });
    expect(items[1]?.payload).toMatchObject({ reason: "audit", reasonPublic: true });
    expect(items[3]?.payload).toMatchObject({ supersedes: a.id, recipient: { name: "Ada L." } });
    expect(items[4]?.payload).toMatchObject({ supersededBy: fresh });
    expect(items[5]?.payload).toMatchObject({ reason: "fraud", reasonPublic: false });
  });

  it("writes no event when the change does not happen (same transaction)", async () => {
    await issue(t);
    const before = (await events(t)).items.length;
    await expect(
      issueCredential(t.ctx, {
        achievementId: "gitlab-certified-associate",
        recipient: { email: "ada@example.org", name: "Ada" },
        actor: "test",
        unlessHeld: true,
      }),
    ).rejects.toThrow(/already holds/);
    const { id } = await issue(t, { recipient: { email: "b@example.org", name: "B" } });
    await lifecycle(t, id, "reinstate", { reason: "not suspended" });
    expect((await events(t)).items.length).toBe(before + 1);
  });

  it("pages with after / limit and filters by type; unknown types are a 400", async () => {
    for (let i = 0; i < 5; i++) {
      await issue(t, { recipient: { email: `p${i}@example.org`, name: `P ${i}` } });
    }
    const all = await events(t);
    const first = await events(t, "?limit=2");
    expect(first.items.map((e) => e.seq)).toEqual(all.items.slice(0, 2).map((e) => e.seq));
    expect(first.nextAfter).toBe(first.items[1]?.seq);
    const rest = await events(t, `?after=${first.nextAfter}&limit=10`);
    expect(rest.items.map((e) => e.seq)).toEqual(all.items.slice(2).map((e) => e.seq));
    expect(rest.nextAfter).toBeNull();
    await lifecycle(t, all.items[0]!.credentialId, "revoke", { reason: "x" });
    expect((await events(t, "?type=credential.revoked")).items.map((e) => e.type)).toEqual(["credential.revoked"]);
    expect((await events(t, "?type=credential.revoked,credential.issued")).items).toHaveLength(6);
    const bad = await adminGet(t, "/admin/events?type=credential.deleted");
    expect(bad.status).toBe(400);
    expect((await readProblem(bad)).errors?.[0]?.path).toMatch(/^type/);
    expect((await adminGet(t, "/admin/events?after=-1")).status).toBe(400);
  });

  it("needs the events:read scope to list and events:deliver to claim", async () => {
    const issuer = await keyWith(t, ["credentials:issue"]);
    const reader = await keyWith(t, ["events:read"]);
    expect((await adminGet(t, "/admin/events", issuer)).status).toBe(403);
    expect((await adminGet(t, "/admin/events", reader)).status).toBe(200);
    expect((await adminPost(t, "/admin/events/claim", { channel: "email" }, reader)).status).toBe(403);
  });
});

describe("delivery: claim and acknowledge", () => {
  type Claim = { claimToken: string; items: EventView[]; leaseExpiresAt: string };
  const claim = async (body: Record<string, unknown>) => {
    const res = await adminPost(t, "/admin/events/claim", body);
    expect(res.status).toBe(200);
    return (await res.json()) as Claim;
  };
  const ack = async (body: Record<string, unknown>) => {
    const res = await adminPost(t, "/admin/events/ack", body);
    expect(res.status).toBe(200);
    return (await res.json()) as { acknowledged: number[]; notHeld: number[] };
  };

  it("hands each event to one claim at a time, and never again once acknowledged", async () => {
    for (let i = 0; i < 5; i++) {
      await issue(t, { recipient: { email: `p${i}@example.org`, name: `P ${i}` } });
    }
    const one = await claim({ channel: "email", limit: 3, leaseSeconds: 60 });
    const two = await claim({ channel: "email", limit: 3, leaseSeconds: 60 });
    expect(one.items).toHaveLength(3);
    expect(two.items).toHaveLength(2);
    expect(new Set([...one.items, ...two.items].map((e) => e.seq)).size).toBe(5);
    expect((await claim({ channel: "email" })).items).toEqual([]);

    expect(await ack({ channel: "email", claimToken: one.claimToken, seqs: one.items.map((e) => e.seq) })).toEqual({
      acknowledged: one.items.map((e) => e.seq),
      notHeld: [],
    });
    // Another claim's token cannot acknowledge them; acknowledging twice is reported, not repeated.
    const wrong = await ack({ channel: "email", claimToken: one.claimToken, seqs: two.items.map((e) => e.seq) });
    expect(wrong).toEqual({ acknowledged: [], notHeld: two.items.map((e) => e.seq) });
    expect((await ack({ channel: "email", claimToken: one.claimToken, seqs: [one.items[0]!.seq] })).notHeld).toEqual([
      one.items[0]!.seq,
    ]);

    // Two's lease runs out unacknowledged: its events are handed out again; one's never are.
    t.clock.advance(61_000);
    const retry = await claim({ channel: "email", limit: 10 });
    expect(retry.items.map((e) => e.seq)).toEqual(two.items.map((e) => e.seq));
    // The expired claim can no longer acknowledge what was re-claimed.
    expect(
      (await ack({ channel: "email", claimToken: two.claimToken, seqs: [two.items[0]!.seq] })).acknowledged,
    ).toEqual([]);
    await ack({ channel: "email", claimToken: retry.claimToken, seqs: retry.items.map((e) => e.seq) });
    t.clock.advance(3_600_000);
    expect((await claim({ channel: "email" })).items).toEqual([]);

    // Channels are independent: webhooks still get all five, filtered by type if asked.
    expect((await claim({ channel: "webhooks", types: ["credential.revoked"] })).items).toEqual([]);
    expect((await claim({ channel: "webhooks", limit: 50 })).items).toHaveLength(5);
  });

  it("validates claim and acknowledgement requests", async () => {
    for (const body of [
      {},
      { channel: "Bad Channel" },
      { channel: "email", limit: 0 },
      { channel: "email", leaseSeconds: 1 },
    ]) {
      expect((await adminPost(t, "/admin/events/claim", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await adminPost(t, "/admin/events/ack", { channel: "email", claimToken: "x", seqs: [] })).status).toBe(400);
  });
});

describe("credential.expiring reminders", () => {
  async function issueValidFor(days: number, email = "ada@example.org") {
    const validUntil = new Date(t.clock.now().getTime() + days * DAY);
    return issueCredential(t.ctx, {
      achievementId: "field-product-certification-sales",
      recipient: { email, name: "Ada" },
      actor: "test",
      validUntil,
    });
  }
  const expiring = async () =>
    (await events(t, "?type=credential.expiring")).items.map((e) => [e.credentialId, e.payload.daysBefore]);

  it("emits each configured offset once, as its point passes, and nothing after expiry", async () => {
    const start = t.clock.now().getTime();
    const c = await issueValidFor(100);
    const at = (day: number) => {
      t.clock.set(new Date(start + day * DAY));
      return emitExpiringEvents(t.ctx, t.clock.now());
    };
    expect(await at(39)).toBe(0);
    expect(await at(40)).toBe(1);
    expect(await at(41)).toBe(0);
    expect(await at(69)).toBe(0);
    expect(await at(70)).toBe(1);
    expect(await at(93)).toBe(1);
    expect(await at(99)).toBe(0);
    expect(await at(101)).toBe(0);
    expect(await expiring()).toEqual([
      [c.id, 60],
      [c.id, 30],
      [c.id, 7],
    ]);
    const [sixty] = (await events(t, "?type=credential.expiring")).items;
    expect(sixty?.payload).toMatchObject({
      validUntil: c.validUntil,
      daysBefore: 60,
      recipient: { email: "ada@example.org" },
    });
  });

  it("skips offsets already past at issuance and, after downtime, all but the most imminent", async () => {
    const start = t.clock.now().getTime();
    const short = await issueValidFor(20, "short@example.org");
    const long = await issueValidFor(100, "long@example.org");
    t.clock.set(new Date(start + 95 * DAY));
    await emitExpiringEvents(t.ctx, t.clock.now());
    t.clock.set(new Date(start + 14 * DAY));
    await emitExpiringEvents(t.ctx, t.clock.now());
    t.clock.set(new Date(start + 96 * DAY));
    await emitExpiringEvents(t.ctx, t.clock.now());
    expect(await expiring()).toEqual([
      [long.id, 7],
      [short.id, 7],
    ]);
  });

  it("never reminds about revoked, suspended or superseded credentials", async () => {
    const start = t.clock.now().getTime();
    const revoked = await issueValidFor(100, "r@example.org");
    const suspended = await issueValidFor(100, "s@example.org");
    const replaced = await issueValidFor(100, "x@example.org");
    const kept = await issueValidFor(100, "k@example.org");
    await lifecycle(t, revoked.id, "revoke", { reason: "fraud" });
    await lifecycle(t, suspended.id, "suspend", { reason: "hold" });
    const reissue = await lifecycle(t, replaced.id, "reissue", { reason: "typo", recipient: { name: "Xavier" } });
    const replacement = ((await reissue.json()) as { credential: { id: string } }).credential.id;
    t.clock.set(new Date(start + 50 * DAY));
    expect(await emitExpiringEvents(t.ctx, t.clock.now())).toBe(2);
    expect((await expiring()).map(([id]) => id).sort()).toEqual([kept.id, replacement].sort());
  });

  it("uses the configured offsets", async () => {
    const app = await makeTestApp({ env: { LAUREL_EXPIRY_REMINDER_DAYS: "10" } });
    try {
      const start = app.clock.now().getTime();
      await issueCredential(app.ctx, {
        achievementId: "gitlab-certified-associate",
        recipient: { email: "ada@example.org", name: "Ada" },
        actor: "test",
        validUntil: new Date(start + 100 * DAY),
      });
      app.clock.set(new Date(start + 50 * DAY));
      expect(await emitExpiringEvents(app.ctx, app.clock.now())).toBe(0);
      app.clock.set(new Date(start + 90 * DAY));
      expect(await emitExpiringEvents(app.ctx, app.clock.now())).toBe(1);
    } finally {
      await app.close();
    }
  });
});
