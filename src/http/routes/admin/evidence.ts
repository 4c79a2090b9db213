import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, storageProblemOf } from "../../../errors.js";
import type { ApiPrincipal } from "../../../services/api-keys.js";
import { awardEligible } from "../../../services/award-eligible.js";
import { listEvidence } from "../../../services/list-evidence.js";
import { recordEvidence, type Submitter } from "../../../services/record-evidence.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { fieldErrors } from "../../problem.js";
import { EmailSchema } from "../shared-schemas.js";
import {
  BatchRequestSchema,
  BatchResultSchema,
  EvidenceInputSchema,
  EvidenceViewSchema,
  RecordResultSchema,
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
  request: { body: { required: true, content: { "application/json": { schema: EvidenceInputSchema } } } },
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
        when: "The API key lacks the evidence:write scope, or names a grader role it does not grade as",
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
  request: { body: { required: true, content: { "application/json": { schema: BatchRequestSchema } } } },
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

function submitterOf(principal: ApiPrincipal | null): Submitter {
  return {
    actor: actorOf(principal),
    graderRole: principal?.graderRole ?? null,
    isAdmin: principal?.scopes.includes("admin") ?? false,
  };
}

export function registerEvidence(app: OpenAPIHono<AppEnv>): void {
  app.openapi(recordRoute, async (c) => {
    const result = recordEvidence(c.var.ctx, c.req.valid("json"), submitterOf(c.var.principal));
    // Duplicates evaluate too (idempotent): a retry after a failed award, or evidence that was
    // dated slightly ahead of the clock at first, still gets its award.
    const awarded = await awardEligible(c.var.ctx, result.evidence.person.email);
    return c.json({ ...result, awarded }, result.status === "recorded" ? 201 : 200);
  });

  app.openapi(batchRoute, async (c) => {
    const submitter = submitterOf(c.var.principal);
    const results = c.req.valid("json").records.map((raw, index) => {
      const externalId = (raw as { externalId?: unknown })?.externalId;
      const id = typeof externalId === "string" ? externalId : null;
      const parsed = EvidenceInputSchema.safeParse(raw);
      if (!parsed.success) {
        return {
          index,
          externalId: id,
          status: "rejected" as const,
          evidenceId: null,
          errors: fieldErrors(parsed.error),
        };
      }
      try {
        const { status, evidence } = recordEvidence(c.var.ctx, parsed.data, submitter);
        return { index, externalId: id, status, evidenceId: evidence.id, personEmail: evidence.person.email };
      } catch (error) {
        if (storageProblemOf(error)) {
          // Every later record would fail alike: answer 503 for the batch; a retry skips what was stored (duplicates).
          throw error;
        }
        if (!(error instanceof AppError)) {
          // Records before this one stay recorded; report this one instead of failing the whole batch.
          c.var.ctx.logger.error("evidence record failed", { index, error: (error as Error).name });
          const errors = [{ path: "(record)", message: "could not be recorded: retry it" }];
          return { index, externalId: id, status: "rejected" as const, evidenceId: null, errors };
        }
        const errors = (error.extra?.errors as { path: string; message: string }[] | undefined) ?? [
          { path: "(record)", message: error.message },
        ];
        return { index, externalId: id, status: "rejected" as const, evidenceId: null, errors };
      }
    });
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const people = [
      ...new Set(results.flatMap((r) => (r.status !== "rejected" && r.personEmail ? [r.personEmail] : []))),
    ];
    const awarded = [];
    for (const email of people) {
      awarded.push(...(await awardEligible(c.var.ctx, email)));
    }
    return c.json(
      {
        recorded: count("recorded"),
        duplicates: count("duplicate"),
        rejected: count("rejected"),
        results: results.map(({ personEmail: _p, ...r }) => r),
        awarded,
      },
      200,
    );
  });

  app.openapi(listRoute, (c) => c.json({ items: listEvidence(c.var.ctx, c.req.valid("query").email) }, 200));
}
