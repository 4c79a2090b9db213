import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { acknowledgeEventBatch, claimEventBatch, listEventPage } from "../../../services/events.js";
import { requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import {
  AckRequestSchema,
  AckResultSchema,
  ClaimRequestSchema,
  ClaimResultSchema,
  EventListQuerySchema,
  EventPageSchema,
} from "./events-schemas.js";

const listRoute = createRoute({
  method: "get",
  path: "/admin/events",
  tags: ["Events"],
  summary: "List events from the outbox",
  description:
    "Credential events (issued, revoked, suspended, reinstated, superseded, expiring), oldest first, written in the " +
    "same transaction as the change. Page with `after` = the last `seq` seen.",
  security: bearerSecurity,
  middleware: [requireApiScope("events:read")] as const,
  request: { query: EventListQuerySchema },
  responses: {
    200: { description: "One page", content: { "application/json": { schema: EventPageSchema } } },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const claimRoute = createRoute({
  method: "post",
  path: "/admin/events/claim",
  tags: ["Events"],
  summary: "Claim events for a delivery channel",
  description:
    "Hands a delivery channel (webhooks, email…) the next events it has not delivered, each held by this claim for " +
    "`leaseSeconds`. Send them, then acknowledge: what is not acknowledged in time is handed out again. Two claims " +
    "never hold the same event; receivers de-duplicate on the event `id` in case a send outlived its lease.",
  security: bearerSecurity,
  middleware: [requireApiScope("events:deliver")] as const,
  request: { body: jsonBody(ClaimRequestSchema) },
  responses: {
    200: { description: "Claimed (possibly none)", content: { "application/json": { schema: ClaimResultSchema } } },
    ...problems(...BODY_PROBLEMS, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const ackRoute = createRoute({
  method: "post",
  path: "/admin/events/ack",
  tags: ["Events"],
  summary: "Acknowledge delivered events",
  description: "Marks claimed events delivered for the channel: they are never handed out to it again.",
  security: bearerSecurity,
  middleware: [requireApiScope("events:deliver")] as const,
  request: { body: jsonBody(AckRequestSchema) },
  responses: {
    200: { description: "Acknowledged", content: { "application/json": { schema: AckResultSchema } } },
    ...problems(...BODY_PROBLEMS, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerEvents(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(await listEventPage(c.get("ctx"), { after: q.after, types: q.type, limit: q.limit }), 200);
  });
  app.openapi(claimRoute, async (c) => c.json(await claimEventBatch(c.get("ctx"), c.req.valid("json")), 200));
  app.openapi(ackRoute, async (c) => c.json(await acknowledgeEventBatch(c.get("ctx"), c.req.valid("json")), 200));
}
