import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createWebhookEndpoint,
  listWebhookEndpointViews,
  removeWebhookEndpoint,
  replayWebhook,
  webhookDeliveryLog,
} from "../../../services/webhooks.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { AttemptViewSchema } from "./deliveries.js";

const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()).openapi({ description: "Event types it receives; empty: every type" }),
    enabled: z.boolean(),
    createdAt: z.string(),
    failingSince: z.string().nullable(),
    disabledAt: z.string().nullable(),
    disabledReason: z.string().nullable(),
  })
  .openapi("WebhookEndpoint");

const CreateSchema = z
  .object({
    url: z.string().max(2000).openapi({ example: "https://hooks.example.org/laurel" }),
    eventTypes: z
      .array(z.string())
      .max(20)
      .optional()
      .openapi({ example: ["credential.issued", "credential.revoked"] }),
    description: z.string().max(500).optional(),
  })
  .strict()
  .openapi("CreateWebhookEndpoint");

const CreatedSchema = EndpointSchema.extend({
  secret: z.string().openapi({
    description: "The Standard Webhooks signing secret (`whsec_…`): shown in this answer only, store it now",
  }),
}).openapi("CreatedWebhookEndpoint");

const IdParams = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

const createRouteSpec = createRoute({
  method: "post",
  path: "/admin/webhooks",
  tags: ["Webhooks"],
  summary: "Register a webhook endpoint",
  description:
    "Events are posted to the URL in the Standard Webhooks format (`webhook-id` = the event id, `webhook-timestamp`, " +
    "`webhook-signature: v1,<base64 HMAC-SHA256>`), so receivers verify with the `standardwebhooks` package and " +
    "de-duplicate on the id. https only, public addresses only, unless the host is on LAUREL_WEBHOOK_ALLOW_HOSTS. " +
    "The signing secret is in this answer only.",
  security: bearerSecurity,
  middleware: [requireApiScope("webhooks:manage")] as const,
  request: { body: jsonBody(CreateSchema) },
  responses: {
    201: { description: "Registered", content: { "application/json": { schema: CreatedSchema } } },
    ...problems(...BODY_PROBLEMS, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const listRouteSpec = createRoute({
  method: "get",
  path: "/admin/webhooks",
  tags: ["Webhooks"],
  summary: "List webhook endpoints",
  description: "Every endpoint, oldest first (never the secret).",
  security: bearerSecurity,
  middleware: [requireApiScope("webhooks:manage")] as const,
  responses: {
    200: {
      description: "The endpoints",
      content: { "application/json": { schema: z.object({ items: z.array(EndpointSchema) }) } },
    },
    ...problems(...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const deleteRouteSpec = createRoute({
  method: "delete",
  path: "/admin/webhooks/{id}",
  tags: ["Webhooks"],
  summary: "Delete a webhook endpoint",
  description: "Nothing more is sent to it; what it was still owed is recorded as failed.",
  security: bearerSecurity,
  middleware: [requireApiScope("webhooks:manage")] as const,
  request: { params: IdParams },
  responses: {
    204: { description: "Deleted" },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const logRouteSpec = createRoute({
  method: "get",
  path: "/admin/webhooks/{id}/deliveries",
  tags: ["Webhooks"],
  summary: "An endpoint's delivery log",
  description: "Every attempt, newest first: time, outcome, HTTP status, latency, the first bytes of the answer.",
  security: bearerSecurity,
  middleware: [requireApiScope("webhooks:manage")] as const,
  request: {
    params: IdParams,
    query: z.object({
      before: z.coerce.number().int().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: "One page",
      content: {
        "application/json": {
          schema: z.object({
            items: z.array(
              AttemptViewSchema.extend({ seq: z.number().int(), eventId: z.string(), messageId: z.string() }),
            ),
            nextBefore: z.number().int().nullable(),
          }),
        },
      },
    },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const replayRouteSpec = createRoute({
  method: "post",
  path: "/admin/webhooks/{id}/replay",
  tags: ["Webhooks"],
  summary: "Send an event to an endpoint again",
  description:
    "Schedules the event for the endpoint now, whatever became of it before, under the same `webhook-id` (receivers " +
    "de-duplicate); it is delivered and retried like any other call.",
  security: bearerSecurity,
  middleware: [requireApiScope("webhooks:manage")] as const,
  request: { params: IdParams, body: jsonBody(z.object({ eventId: z.string().min(1).max(100) }).strict()) },
  responses: {
    202: {
      description: "Scheduled",
      content: { "application/json": { schema: z.object({ messageId: z.string(), eventId: z.string() }) } },
    },
    ...problems(...BODY_PROBLEMS, "NOT_FOUND", "CONFLICT", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerWebhooks(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createRouteSpec, async (c) => {
    const created = await createWebhookEndpoint(c.get("ctx"), {
      ...c.req.valid("json"),
      actor: actorOf(c.get("principal")),
    });
    return c.json(created, 201, { "cache-control": "no-store", location: `/admin/webhooks/${created.id}` });
  });
  app.openapi(listRouteSpec, async (c) => c.json({ items: await listWebhookEndpointViews(c.get("ctx")) }, 200));
  app.openapi(deleteRouteSpec, async (c) => {
    await removeWebhookEndpoint(c.get("ctx"), c.req.valid("param").id, actorOf(c.get("principal")));
    return c.body(null, 204);
  });
  app.openapi(replayRouteSpec, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    return c.json(
      await replayWebhook(c.get("ctx"), { id, eventId: body.eventId, actor: actorOf(c.get("principal")) }),
      202,
    );
  });
  app.openapi(logRouteSpec, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await webhookDeliveryLog(c.get("ctx"), { id, ...c.req.valid("query") }), 200);
  });
}
