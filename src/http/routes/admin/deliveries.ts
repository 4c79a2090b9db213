import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { CredentialIdParamSchema } from "../../../schemas/credential-id.js";
import { credentialDeliveries, mailOutboxPage } from "../../../services/delivery-views.js";
import { requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, bearerSecurity, problems, STORAGE_PROBLEMS } from "../../openapi.js";

export const AttemptViewSchema = z
  .object({
    at: z.string(),
    outcome: z.enum(["delivered", "retry", "failed", "skipped"]),
    code: z.number().int().nullable().openapi({ description: "SMTP reply code or HTTP status; null: no answer" }),
    answer: z.string().openapi({ description: "The first bytes of the answer, or what went wrong" }),
    latencyMs: z.number().int(),
  })
  .openapi("DeliveryAttempt");

const MessageViewSchema = z
  .object({
    id: z.string(),
    channel: z.enum(["email", "webhook"]),
    kind: z
      .string()
      .openapi({ description: "E-mail: award, reissue, reminder, revocation, suspension; webhook: the event type" }),
    eventId: z.string(),
    target: z.string().openapi({ description: "E-mail: the recipient's address; webhook: the endpoint id" }),
    state: z.enum(["pending", "delivered", "failed", "skipped"]),
    attempts: z.array(AttemptViewSchema),
    nextAttemptAt: z.string().nullable(),
  })
  .openapi("DeliveryMessage");

const MailViewSchema = z
  .object({
    seq: z.number().int(),
    messageId: z.string(),
    credentialId: z.string().nullable(),
    kind: z.string(),
    to: z.string(),
    from: z.string(),
    replyTo: z.string().nullable(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    headers: z.record(z.string(), z.string()),
    attachments: z.array(
      z.object({ filename: z.string(), contentType: z.string(), cid: z.string().optional(), size: z.number() }),
    ),
    createdAt: z.string(),
  })
  .openapi("MailOutboxEntry");

const deliveriesRoute = createRoute({
  method: "get",
  path: "/admin/credentials/{id}/deliveries",
  tags: ["Delivery"],
  summary: "E-mails and webhooks about a credential",
  description:
    "Every message owed about the credential (award, reminders, notices; webhook calls), with each attempt: when, " +
    "its outcome, the SMTP reply or HTTP status and the first bytes of the answer.",
  security: bearerSecurity,
  middleware: [requireApiScope("credentials:read")] as const,
  request: { params: CredentialIdParamSchema },
  responses: {
    200: {
      description: "The messages, oldest first",
      content: { "application/json": { schema: z.object({ items: z.array(MessageViewSchema) }) } },
    },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const mailRoute = createRoute({
  method: "get",
  path: "/admin/mail",
  tags: ["Delivery"],
  summary: "The local mail outbox",
  description:
    "Without LAUREL_SMTP_URL every e-mail is kept here exactly as it would have been sent (subject, text, HTML, " +
    "headers; attachments by name and size), newest first. Page with `before` = the last `seq` seen.",
  security: bearerSecurity,
  middleware: [requireApiScope("credentials:read")] as const,
  request: {
    query: z.object({
      before: z.coerce.number().int().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: "One page",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(MailViewSchema), nextBefore: z.number().int().nullable() }),
        },
      },
    },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerDeliveries(app: OpenAPIHono<AppEnv>): void {
  app.openapi(deliveriesRoute, async (c) =>
    c.json({ items: await credentialDeliveries(c.get("ctx"), c.req.valid("param").id) }, 200),
  );
  app.openapi(mailRoute, async (c) => c.json(await mailOutboxPage(c.get("ctx"), c.req.valid("query")), 200));
}
