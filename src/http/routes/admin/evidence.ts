import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { isAdmin, type Principal } from "../../../domain/access.js";
import { EmailSchema } from "../../../schemas/email.js";
import { listEvidence } from "../../../services/list-evidence.js";
import type { Submitter } from "../../../services/record-evidence.js";
import { submitEvidence, submitEvidenceBatch } from "../../../services/submit-evidence.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import {
  BatchRequestSchema,
  BatchResultSchema,
  EvidenceInputSchema,
  EvidenceViewSchema,
  RecordResultSchema,
  readEvidenceInput,
} from "./evidence-schemas.js";

const recordRoute = createRoute({
  method: "post",
  path: "/admin/evidence",
  tags: ["Evidence"],
  summary: "Record one evidence record",
  description:
    "Assessment results, completions, form ratings and delivery closures for a person. Idempotent by `externalId`; append-only (correct with `supersedes`). Ids no certification uses are refused (422) unless the record is marked `uncatalogued`.",
  security: bearerSecurity,
  middleware: [requireApiScope("evidence:write")] as const,
  request: { body: jsonBody(EvidenceInputSchema) },
  responses: {
    201: { description: "Recorded", content: { "application/json": { schema: RecordResultSchema } } },
    200: {
      description: "Already recorded: nothing changed",
      content: { "application/json": { schema: RecordResultSchema } },
    },
    ...problems(
      ...BODY_PROBLEMS,
      ...AUTH_PROBLEMS,
      {
        code: "FORBIDDEN",
        when: "The API key lacks the evidence:write scope, names a grader role it does not grade as, or does not grade as a role the record's item needs (a graded lab, a shadowing, an observation form, a closure)",
      },
      {
        code: "CONFLICT",
        when: "The externalId was already used for different evidence (`existingId`), or the form's delivery was closed",
        fields: { existingId: z.string().optional() },
      },
      "UNPROCESSABLE",
      ...STORAGE_PROBLEMS,
    ),
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
  request: { body: jsonBody(BatchRequestSchema) },
  responses: {
    200: { description: "Per-record results", content: { "application/json": { schema: BatchResultSchema } } },
    ...problems(...BODY_PROBLEMS, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
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
    query: z.object({ email: EmailSchema }),
  },
  responses: {
    200: {
      description: "Evidence",
      content: { "application/json": { schema: z.object({ items: z.array(EvidenceViewSchema) }) } },
    },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

function submitterOf(principal: Principal | null): Submitter {
  return {
    actor: actorOf(principal),
    graderRole: principal?.grants.find((grant) => grant.graderRole !== null)?.graderRole ?? null,
    isAdmin: isAdmin(principal),
  };
}

export function registerEvidence(app: OpenAPIHono<AppEnv>): void {
  app.openapi(recordRoute, async (c) => {
    const result = await submitEvidence(c.get("ctx"), c.req.valid("json"), submitterOf(c.get("principal")));
    return c.json(result, result.status === "recorded" ? 201 : 200);
  });

  app.openapi(batchRoute, async (c) => {
    const { records } = c.req.valid("json");
    return c.json(
      await submitEvidenceBatch(c.get("ctx"), records, submitterOf(c.get("principal")), readEvidenceInput),
      200,
    );
  });

  app.openapi(listRoute, async (c) =>
    c.json({ items: await listEvidence(c.get("ctx"), c.req.valid("query").email) }, 200),
  );
}
