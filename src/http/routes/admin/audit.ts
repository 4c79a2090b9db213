import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { listAuditEntries } from "../../../services/audit.js";
import { requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, bearerSecurity, problems, STORAGE_PROBLEMS } from "../../openapi.js";

const text = z.string().trim().min(1).max(200);

const AuditQuerySchema = z.object({
  before: z.coerce.number().int().min(1).optional().openapi({ description: "Only entries with a smaller `seq`" }),
  targetType: text.optional().openapi({ example: "credential" }),
  targetId: text.optional(),
  action: text.optional().openapi({ example: "credential.revoked" }),
  actor: text.optional().openapi({ description: "An API key (`api-key:<id>`), `cli:<login>` or `system:criteria`" }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string().openapi({ example: "credential.issued" }),
    target: z.object({ type: z.string(), id: z.string() }),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

const listRoute = createRoute({
  method: "get",
  path: "/admin/audit",
  tags: ["Audit"],
  summary: "Read the audit log",
  description:
    "Every write (issuance, revocation, suspension, reissue, evidence, approvals, API keys) with its actor, newest " +
    "first. Filter by target, action or actor; page with `before` = `nextBefore`.",
  security: bearerSecurity,
  middleware: [requireApiScope("audit:read")] as const,
  request: { query: AuditQuerySchema },
  responses: {
    200: {
      description: "One page",
      content: {
        "application/json": {
          schema: z
            .object({
              items: z.array(AuditEntrySchema),
              nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before`; null at the end" }),
            })
            .openapi("AuditPage"),
        },
      },
    },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerAudit(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => c.json(await listAuditEntries(c.get("ctx"), c.req.valid("query")), 200));
}
