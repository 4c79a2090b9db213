import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../../../services/events.js";

const EventType = z.enum(EVENT_TYPES);

/** `type=a,b` or repeated `type=`: one or more event types. */
const TypeFilter = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((t) => t.split(","))))
  .pipe(z.array(EventType).optional())
  .openapi({ type: "string", description: "Only these types (comma-separated)", example: "credential.revoked" });

export const EventViewSchema = z
  .object({
    seq: z.number().int().openapi({ description: "Position in the outbox: strictly increasing" }),
    id: z.string().openapi({ description: "Stable event id: receivers de-duplicate on it" }),
    type: z.string().openapi({ example: "credential.expiring" }),
    occurredAt: z.string(),
    credentialId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()).openapi({
      description:
        "Credential events: credentialId, achievementId, achievementName, recipient {email, name}, plus: issued → validFrom, " +
        "validUntil, supersedes?; revoked/suspended → reason, reasonPublic; reinstated → reason; superseded → " +
        "supersededBy; expiring → validUntil, daysBefore. webhook.endpoint.disabled (credentialId null) → " +
        "endpointId, description, failingSince, reason (never the URL)",
    }),
  })
  .openapi("Event");

export const EventListQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0).openapi({ description: "Only events with a larger `seq`" }),
  type: TypeFilter,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const EventPageSchema = z
  .object({
    items: z.array(EventViewSchema),
    nextAfter: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Pass as `after` for the next page; null at the end" }),
  })
  .openapi("EventPage");

const Channel = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a channel name such as webhooks or email")
  .openapi({ example: "email" });

export const ClaimRequestSchema = z
  .strictObject({
    channel: Channel,
    limit: z.number().int().min(1).max(500).default(50),
    leaseSeconds: z.number().int().min(5).max(3600).default(300).openapi({
      description: "How long the claim holds the events; unacknowledged ones are handed out again after it",
    }),
    types: z.array(EventType).optional(),
  })
  .openapi("ClaimEventsRequest");

export const ClaimResultSchema = z
  .object({
    channel: z.string(),
    claimToken: z.string().openapi({ description: "Pass it back when acknowledging" }),
    leaseExpiresAt: z.string(),
    items: z.array(EventViewSchema),
  })
  .openapi("EventClaim");

export const AckRequestSchema = z
  .strictObject({
    channel: Channel,
    claimToken: z.string().min(1).max(200),
    seqs: z.array(z.number().int().min(1)).min(1).max(500),
  })
  .openapi("AcknowledgeEventsRequest");

export const AckResultSchema = z
  .object({
    acknowledged: z.array(z.number().int()),
    notHeld: z
      .array(z.number().int())
      .openapi({ description: "Not held by this claim any more (lease expired and re-claimed, or acknowledged)" }),
  })
  .openapi("AcknowledgeEventsResult");
