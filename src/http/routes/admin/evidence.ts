import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiPrincipal } from "../../../services/api-keys.js";
import { listEvidence } from "../../../services/list-evidence.js";
import type { Submitter } from "../../../services/record-evidence.js";
import { submitEvidence, submitEvidenceBatch } from "../../../services/submit-evidence.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import {
  authProblemResponses,
  bearerSecurity,
  problemResponses,
  tooLargeResponse,
  unprocessableResponse,
} from "../../openapi.js";
import {
  BatchRequestSchema,
  BatchResultSchema,
  EvidenceInputSchema,
  EvidenceViewSchema,
  RecordResultSchema,
  readEvidenceInput,
} from "./evidence-schemas.js";

const conflict = {
  409: {
    description: "The externalId was already used for different evidence, or the form's delivery was closed",
    content: {
      "application/problem+json": { schema: z.object({ code: z.string(), existingId: z.string().optional() }) },
    },
  },
} as const;

const recordRoute = createRoute({
  method: "post",
  path: "/admin/evidence",
  tags: ["Evidence"],
  summary: "Record one evidence record",
  description:
    "Assessment results, completions, form ratings and delivery closures for a person. Idempotent by `externalId`; append-only (correct with `supersedes`). Ids no certification uses are refused (422) unless the record is marked `uncatalogued`.",
  security: bearerSecurity,
  middleware: [requireApiScope("evidence:write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: EvidenceInputSchema } } } },
  responses: {
    201: { description: "Recorded", content: { "application/json": { schema: RecordResultSchema } } },
    200: {
      description: "Already recorded: nothing changed",
      content: { "application/json": { schema: RecordResultSchema } },
    },
    ...problemResponses,
    ...authProblemResponses,
    ...tooLargeResponse,
    ...conflict,
    ...unprocessableResponse,
  },
});

const batchRoute = createRoute({
  method: "post",
  path: "/admin/evidence/batch",
  tags: ["Evidence"],
  summary: "Record up to 500 evidence records",
  description: "Each record is validated and recorded on its own; the answer reports every record.",
  security: bearerSecurity,
  middleware: [requireApiScope("evidence:write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: BatchRequestSchema } } } },
  responses: {
    200: { description: "Per-record results", content: { "application/json": { schema: BatchResultSchema } } },
    ...problemResponses,
    ...authProblemResponses,
    ...tooLargeResponse,
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/admin/evidence",
  tags: ["Evidence"],
  summary: "A person's evidence, oldest first",
  security: bearerSecurity,
  middleware: [requireApiScope("evidence:read")] as const,
  request: {
    query: z.object({
      email: z
        .string()
        .trim()
        .pipe(z.email({ error: "must be a valid email address" })),
    }),
  },
  responses: {
    200: {
      description: "Evidence",
      content: { "application/json": { schema: z.object({ items: z.array(EvidenceViewSchema) }) } },
    },
    ...problemResponses,
    ...authProblemResponses,
  },
});

function submitterOf(principal: ApiPrincipal | null): Submitter {
  return {
    actor: actorOf(principal),
    graderRole: principal?.graderRole ?? null,
    isAdmin: principal?.scopes.includes("admin") ?? false,
  };
}

export function registerEvidence(app: OpenAPIHono<AppEnv>): void {
  app.openapi(recordRoute, async (c) => {
    const result = await submitEvidence(c.var.ctx, c.req.valid("json"), submitterOf(c.var.principal));
    return c.json(result, result.status === "recorded" ? 201 : 200);
  });

  app.openapi(batchRoute, async (c) => {
    const { records } = c.req.valid("json");
    return c.json(await submitEvidenceBatch(c.var.ctx, records, submitterOf(c.var.principal), readEvidenceInput), 200);
  });

  app.openapi(listRoute, (c) => c.json({ items: listEvidence(c.var.ctx, c.req.valid("query").email) }, 200));
}
