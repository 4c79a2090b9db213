import { dueReminderOffset, reminderKey } from "../domain/status/expiry-reminders.js";
import { DAY_MS } from "../domain/time.js";
import { timeOrderedId } from "../domain/time-ordered-id.js";
import { validationError } from "../errors.js";
import { activeCredentialsExpiringBetween } from "../storage/credentials-repo.js";
import {
  acknowledgeEvents,
  appendEvent,
  claimEvents,
  type EventRow,
  listEvents,
  listEventsNewestFirst,
} from "../storage/events-repo.js";
import type { Tx } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";

/** Every event type the outbox carries. */
export const EVENT_TYPES = [
  "credential.issued",
  "credential.revoked",
  "credential.suspended",
  "credential.reinstated",
  "credential.superseded",
  "credential.expiring",
  "webhook.endpoint.disabled",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type EventView = {
  seq: number;
  id: string;
  type: string;
  occurredAt: string;
  credentialId: string | null;
  payload: Record<string, unknown>;
};

/** What every credential event says about its credential (admin data: the outbox is read with an API key). */
export type CredentialEventSubject = {
  id: string;
  achievementId: string;
  achievementName: string;
  recipientEmail: string;
  recipientName: string;
};

function toView(row: EventRow): EventView {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    credentialId: row.credentialId,
    payload: row.payload,
  };
}

/** A credential event as its recorders give it (the outbox row adds its id and the credential's fields). */
export type CredentialEventInput = {
  type: EventType;
  at: Date;
  credential: CredentialEventSubject;
  details?: Record<string, unknown>;
  dedupeKey?: string;
};

/**
 * Appends a credential event; call it inside the transaction that makes the change, so the event exists exactly
 * when the change does. Returns false when `dedupeKey` was already emitted.
 */
export function recordCredentialEvent(
  ctx: Pick<ServiceContext, "newId">,
  tx: Tx,
  event: CredentialEventInput,
): Promise<boolean> {
  return appendEvent(tx, credentialEventRow(timeOrderedId(event.at, ctx.newId()), event));
}

/** The outbox row of a credential event (recordCredentialEvent's), under event id `id`. */
export function credentialEventRow(id: string, event: CredentialEventInput): Omit<EventRow, "seq"> {
  const c = event.credential;
  return {
    id,
    type: event.type,
    credentialId: c.id,
    occurredAt: event.at,
    payload: {
      credentialId: c.id,
      achievementId: c.achievementId,
      achievementName: c.achievementName,
      recipient: { email: c.recipientEmail, name: c.recipientName },
      ...event.details,
    },
    dedupeKey: event.dedupeKey ?? null,
  };
}

function checkTypes(types: string[] | undefined): string[] | undefined {
  const unknown = types?.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)) ?? [];
  if (unknown.length > 0) {
    throw validationError([{ path: "type", message: `unknown event type(s): ${unknown.join(", ")}` }]);
  }
  return types?.length ? types : undefined;
}

/** Events after sequence `after`, oldest first; `nextAfter` continues the listing (null when it is exhausted). */
export async function listEventPage(
  ctx: ServiceContext,
  query: { after?: number; types?: string[]; limit: number },
): Promise<{ items: EventView[]; nextAfter: number | null }> {
  const rows = await listEvents(ctx.store.conn(), {
    after: query.after ?? 0,
    types: checkTypes(query.types),
    limit: query.limit,
  });
  const last = rows.at(-1);
  return { items: rows.map(toView), nextAfter: rows.length === query.limit && last ? last.seq : null };
}

/**
 * Events newest first, before sequence `before` (the console's outbox page); `nextBefore` continues it (null when it is
 * exhausted). The type filter uses the (type, seq) index, the rest the primary key: one page costs the same at any size.
 */
export async function listRecentEvents(
  ctx: ServiceContext,
  query: { before?: number; types?: string[]; limit: number },
): Promise<{ items: EventView[]; nextBefore: number | null }> {
  const rows = await listEventsNewestFirst(ctx.store.conn(), { ...query, types: checkTypes(query.types) });
  const last = rows.at(-1);
  return { items: rows.map(toView), nextBefore: rows.length === query.limit && last ? last.seq : null };
}

export type EventClaim = { channel: string; claimToken: string; leaseExpiresAt: string; items: EventView[] };

/**
 * Claims the next events a delivery channel has not delivered: each is held by this claim until the lease ends.
 * Acknowledge what was sent; what is not acknowledged in time is handed out again (to this or another worker of the
 * channel), so a channel that acknowledges every send sends each event once.
 */
export async function claimEventBatch(
  ctx: ServiceContext,
  input: { channel: string; limit: number; leaseSeconds: number; types?: string[] },
): Promise<EventClaim> {
  const now = ctx.clock();
  const leaseUntil = new Date(now.getTime() + input.leaseSeconds * 1000);
  const token = ctx.newSecret();
  const types = checkTypes(input.types);
  const rows = await ctx.store.tx(async (tx) => {
    // One claimer per channel at a time, across processes and nodes: claims never overlap.
    await ctx.store.lock(tx, `claim:${input.channel}`);
    return claimEvents(tx, { channel: input.channel, token, now, leaseUntil, limit: input.limit, types });
  });
  return {
    channel: input.channel,
    claimToken: token,
    leaseExpiresAt: leaseUntil.toISOString(),
    items: rows.map(toView),
  };
}

/** Marks claimed events delivered. `notHeld`: sequences this claim no longer holds (already acknowledged or re-claimed). */
export async function acknowledgeEventBatch(
  ctx: ServiceContext,
  input: { channel: string; claimToken: string; seqs: number[] },
): Promise<{ acknowledged: number[]; notHeld: number[] }> {
  const seqs = [...new Set(input.seqs)];
  const acknowledged = await ctx.store.tx((tx) =>
    acknowledgeEvents(tx, { channel: input.channel, token: input.claimToken, seqs, now: ctx.clock() }),
  );
  const held = new Set(acknowledged);
  return { acknowledged, notHeld: seqs.filter((s) => !held.has(s)).sort((a, b) => a - b) };
}

/**
 * Emits `credential.expiring` for every active credential whose reminder point (validUntil minus one of the configured
 * offsets) has passed: once per (credential, offset), never for revoked, suspended or superseded credentials, never
 * for offsets that had passed before the credential was issued, and after downtime only the most imminent one.
 * Returns how many events were emitted.
 */
export async function emitExpiringEvents(ctx: ServiceContext, now: Date): Promise<number> {
  const offsets = ctx.config.expiryReminderDays;
  if (offsets.length === 0) {
    return 0;
  }
  const horizon = new Date(now.getTime() + Math.max(...offsets) * DAY_MS);
  return ctx.store.tx(async (tx) => {
    let emitted = 0;
    for (const c of await activeCredentialsExpiringBetween(tx, now, horizon)) {
      const days = dueReminderOffset({ validFrom: c.validFrom, validUntil: c.validUntil, now, offsetsDays: offsets });
      if (days === undefined) {
        continue;
      }
      const recorded = await recordCredentialEvent(ctx, tx, {
        type: "credential.expiring",
        at: now,
        credential: c,
        details: { validUntil: c.validUntil.toISOString(), daysBefore: days },
        dedupeKey: reminderKey(c.id, days),
      });
      emitted += recorded ? 1 : 0;
    }
    return emitted;
  });
}
