import { RETRY_FIRST_DELAY_MS } from "../domain/delivery/retry.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import {
  attemptsOfTarget,
  failPendingMessages,
  type MessageRow,
  scheduleMessageNow,
} from "../storage/delivery-repo.js";
import { appendEvent, type EventRow, findEventById } from "../storage/events-repo.js";
import type { Tx } from "../storage/store.js";
import {
  clearEndpointFailing,
  deleteWebhookEndpoint,
  enabledWebhookEndpoints,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  markEndpointFailing,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from "../storage/webhook-endpoints-repo.js";
import { isPublicAddress, RemoteRefusedError } from "../verify/guarded-fetch.js";
import type { AttemptResult, Batch, DeliveryChannel } from "./delivery.js";
import type { AttemptView } from "./delivery-views.js";
import type { ServiceContext } from "./deps.js";
import { EVENT_TYPES } from "./events.js";

/** The outbox channel webhooks claim under (migration 0014 marks earlier events delivered for it). */
export const WEBHOOK_OUTBOX_CHANNEL = "laurel.webhooks";

export type WebhookEndpointView = {
  id: string;
  url: string;
  description: string | null;
  /** Event types it receives; empty: every type. */
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
  failingSince: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
};

function toView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    failingSince: row.failingSince?.toISOString() ?? null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
  };
}

/**
 * Checks an endpoint URL when it is registered: https, no credentials, and not an obviously private address,
 * unless its host is on LAUREL_WEBHOOK_ALLOW_HOSTS (then plain http and private addresses are allowed). Names are
 * resolved and checked again at every call (a name may point anywhere later).
 */
function checkEndpointUrl(ctx: ServiceContext, value: string): string {
  const refuse = (message: string): never => {
    throw validationError([{ path: "url", message }]);
  };
  if (!URL.canParse(value)) {
    return refuse("must be an absolute https URL");
  }
  const url = new URL(value);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const allowed = ctx.config.delivery.webhookAllowHosts.includes(host);
  if (url.protocol !== "https:" && !(allowed && url.protocol === "http:")) {
    return refuse("must be an https URL (plain http only for hosts on LAUREL_WEBHOOK_ALLOW_HOSTS)");
  }
  if (url.username || url.password) {
    return refuse("must not carry a user name or password");
  }
  const ipLiteral = /^[\d.]+$/.test(host) || host.includes(":");
  const privateLiteral = host === "localhost" || (ipLiteral && !isPublicAddress(host));
  if (privateLiteral && !allowed) {
    return refuse(`${host} is a private address: add it to LAUREL_WEBHOOK_ALLOW_HOSTS to allow it`);
  }
  return url.href;
}

function checkEventTypes(types: string[]): string[] {
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw validationError([{ path: "eventTypes", message: `unknown event type(s): ${unknown.join(", ")}` }]);
  }
  return [...new Set(types)];
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
function newSigningSecret(ctx: ServiceContext): string {
  return `whsec_${Buffer.from(ctx.newSecret(), "base64url").toString("base64")}`;
}

/** Registers an endpoint; its signing secret is in this answer only. */
export async function createWebhookEndpoint(
  ctx: ServiceContext,
  input: { url: string; eventTypes?: string[]; description?: string; actor: string },
): Promise<WebhookEndpointView & { secret: string }> {
  const now = ctx.clock();
  const row: WebhookEndpointRow = {
    id: ctx.newId(),
    url: checkEndpointUrl(ctx, input.url),
    description: input.description ?? null,
    eventTypes: checkEventTypes(input.eventTypes ?? []),
    secret: newSigningSecret(ctx),
    enabled: true,
    createdAt: now,
    updatedAt: now,
    failingSince: null,
    disabledAt: null,
    disabledReason: null,
  };
  await ctx.store.tx(async (tx) => {
    await insertWebhookEndpoint(tx, row);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "webhook.created",
      targetType: "webhook",
      targetId: row.id,
      details: { url: row.url, eventTypes: row.eventTypes },
    });
  });
  return { ...toView(row), secret: row.secret };
}

export async function listWebhookEndpointViews(ctx: ServiceContext): Promise<WebhookEndpointView[]> {
  return (await listWebhookEndpoints(ctx.store.conn())).map(toView);
}

/** Deletes an endpoint; what was still owed to it is recorded as failed ("endpoint deleted"). */
export async function removeWebhookEndpoint(ctx: ServiceContext, id: string, actor: string): Promise<void> {
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    if (!(await findWebhookEndpoint(tx, id))) {
      throw new AppError("NOT_FOUND", `No webhook endpoint ${id}`);
    }
    await failPendingMessages(tx, { channel: "webhook", target: id, now, why: "endpoint deleted" });
    await deleteWebhookEndpoint(tx, id);
    await appendAudit(tx, { at: now, actor, action: "webhook.deleted", targetType: "webhook", targetId: id });
  });
}

/**
 * Sends an event to an endpoint again, now, whatever became of it before (delivered, failed, never owed): a new run
 * of attempts under the same webhook-id (the event id), so a receiver that already has it de-duplicates.
 */
export async function replayWebhook(
  ctx: ServiceContext,
  input: { id: string; eventId: string; actor: string },
): Promise<{ messageId: string; eventId: string }> {
  const now = ctx.clock();
  return ctx.store.tx(async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, input.id);
    if (!endpoint) {
      throw new AppError("NOT_FOUND", `No webhook endpoint ${input.id}`);
    }
    if (!endpoint.enabled) {
      throw new AppError("CONFLICT", `Webhook endpoint ${input.id} is disabled`);
    }
    const event = await findEventById(tx, input.eventId);
    if (!event) {
      throw new AppError("NOT_FOUND", `No event ${input.eventId}`);
    }
    const messageId = await scheduleMessageNow(tx, {
      id: ctx.newId(),
      channel: "webhook",
      eventSeq: event.seq,
      eventId: event.id,
      credentialId: event.credentialId,
      target: endpoint.id,
      kind: event.type,
      state: "pending",
      attempts: 0,
      scheduledAt: now,
    });
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "webhook.replayed",
      targetType: "webhook",
      targetId: endpoint.id,
      details: { eventId: event.id },
    });
    return { messageId, eventId: event.id };
  });
}

/** An endpoint's delivery log, newest first: each attempt with the event it carried. */
export async function webhookDeliveryLog(
  ctx: ServiceContext,
  input: { id: string; before?: number; limit: number },
): Promise<{
  items: Array<AttemptView & { seq: number; eventId: string; messageId: string }>;
  nextBefore: number | null;
}> {
  const conn = ctx.store.conn();
  if (!(await findWebhookEndpoint(conn, input.id))) {
    throw new AppError("NOT_FOUND", `No webhook endpoint ${input.id}`);
  }
  const rows = await attemptsOfTarget(conn, {
    channel: "webhook",
    target: input.id,
    before: input.before,
    limit: input.limit,
  });
  const last = rows.at(-1);
  return {
    items: rows.map((a) => ({
      seq: a.seq,
      messageId: a.messageId,
      eventId: a.eventId,
      at: a.attemptedAt.toISOString(),
      outcome: a.outcome,
      code: a.code,
      answer: a.answer,
      latencyMs: a.latencyMs,
    })),
    nextBefore: rows.length === input.limit && last ? last.seq : null,
  };
}

/** The body every receiver gets (Standard Webhooks' recommended shape): the event type, when, and its data. */
export function webhookBody(event: EventRow): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: { id: event.id, seq: event.seq, ...event.payload },
  });
}

const ENDPOINTS = "webhook-endpoints";

/** Every endpoint by id, read once per batch (an installation has a handful). */
function endpointsOnce(tx: Tx, batch: Batch): Promise<Map<string, WebhookEndpointRow>> {
  return batch.once(ENDPOINTS, async () => new Map((await listWebhookEndpoints(tx)).map((e) => [e.id, e])));
}

async function attemptWebhook(
  ctx: ServiceContext,
  endpoint: WebhookEndpointRow | undefined,
  event: EventRow | undefined,
): Promise<AttemptResult> {
  if (!endpoint?.enabled) {
    return { outcome: "failed", code: null, answer: endpoint ? "endpoint disabled" : "endpoint deleted" };
  }
  if (!event) {
    return { outcome: "failed", code: null, answer: "the event is gone" };
  }
  try {
    const answer = await ctx.postWebhook({
      url: endpoint.url,
      secret: endpoint.secret,
      // The event id is the webhook id: a receiver that sees it twice (a retry, a replay) de-duplicates on it.
      id: event.id,
      timestamp: ctx.clock(),
      body: webhookBody(event),
    });
    const ok = answer.status >= 200 && answer.status < 300;
    return { outcome: ok ? "delivered" : "retry", code: answer.status, answer: answer.body.slice(0, 1024) };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      outcome: error instanceof RemoteRefusedError ? "failed" : "retry",
      code: null,
      answer: text.slice(0, 500),
    };
  }
}

/**
 * After each attempt: a success ends the endpoint's failure streak; a failure starts one (if none). An endpoint
 * failing for the whole retry horizon (its streak that long, or a message given up after failing every attempt of
 * its run) is disabled, and what it was still owed is failed with the reason; the same transaction audits it and
 * appends a `webhook.endpoint.disabled` event.
 */
async function settleEndpoint(
  ctx: ServiceContext,
  tx: Tx,
  message: MessageRow,
  result: AttemptResult,
  at: Date,
  state: MessageRow["state"],
  batch: Batch,
) {
  // The endpoints this batch's recording has already cleared (and not marked failing since): one clear per endpoint,
  // not one per delivered message.
  const cleared = await batch.once("cleared-endpoints", async () => new Set<string>());
  if (result.outcome === "delivered") {
    if (!cleared.has(message.target)) {
      await clearEndpointFailing(tx, message.target);
      cleared.add(message.target);
    }
    return;
  }
  cleared.delete(message.target);
  await markEndpointFailing(tx, message.target, at);
  const endpoint = await findWebhookEndpoint(tx, message.target);
  const horizonMs = ctx.config.delivery.retryHorizonHours * 3_600_000;
  const since = endpoint?.failingSince ?? undefined;
  // Given up after failing every attempt of its run: the streak began by the message's first attempt.
  const gaveUp =
    state === "failed" &&
    result.outcome === "retry" &&
    since !== undefined &&
    since.getTime() <= message.scheduledAt.getTime() + RETRY_FIRST_DELAY_MS;
  if (endpoint?.enabled && since && (gaveUp || at.getTime() - since.getTime() >= horizonMs)) {
    const reason = `failing since ${since.toISOString()}, for the whole retry horizon`;
    await updateWebhookEndpoint(tx, endpoint.id, {
      enabled: false,
      disabledAt: at,
      disabledReason: reason,
      updatedAt: at,
    });
    await failPendingMessages(tx, { channel: "webhook", target: endpoint.id, now: at, why: "endpoint disabled" });
    await appendAudit(tx, {
      at,
      actor: "system:webhooks",
      action: "webhook.disabled",
      targetType: "webhook",
      targetId: endpoint.id,
      details: { reason },
    });
    // The people who run the other systems learn it from the outbox too (other endpoints, the events API). The URL
    // stays out of the payload: some receivers' URLs are their secret.
    await appendEvent(tx, {
      id: ctx.newId(),
      type: "webhook.endpoint.disabled",
      credentialId: null,
      occurredAt: at,
      payload: {
        endpointId: endpoint.id,
        description: endpoint.description,
        failingSince: since.toISOString(),
        reason,
      },
      dedupeKey: null,
    });
  }
}

/** The webhook channel: every event, to every enabled endpoint whose filter takes its type. */
export function webhookChannel(ctx: ServiceContext): DeliveryChannel<WebhookEndpointRow | undefined> {
  return {
    name: "webhook",
    outbox: WEBHOOK_OUTBOX_CHANNEL,
    // Only the credential events: an earner's sign-in request is nobody else's business.
    plan: async (tx, event, batch) =>
      !(EVENT_TYPES as readonly string[]).includes(event.type)
        ? []
        : (await batch.once("enabled-webhook-endpoints", () => enabledWebhookEndpoints(tx)))
            .filter((e) => e.eventTypes.length === 0 || e.eventTypes.includes(event.type))
            .map((e) => ({ target: e.id, kind: event.type })),
    // The endpoint as leased (URL, secret, enabled): read once per lease, not once per attempt.
    prepare: (tx, message, batch) =>
      batch.loaded<Map<string, WebhookEndpointRow>>(ENDPOINTS)?.get(message.target) ??
      endpointsOnce(tx, batch).then((endpoints) => endpoints.get(message.target)),
    attempt: (_message, endpoint, event) => attemptWebhook(ctx, endpoint, event),
    settled: (tx, message, result, at, state, batch) => settleEndpoint(ctx, tx, message, result, at, state, batch),
  };
}
