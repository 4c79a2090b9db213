import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { RejectApprovalSchema } from "../../../schemas/approvals.js";
import { EmailSchema } from "../../../schemas/email.js";
import { approve, listPendingApprovals, reject } from "../../../services/approvals.js";
import { candidatesFor, progressForPerson } from "../../../services/progress.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const Report = z.record(z.string(), z.unknown()).openapi("RuleReport");

const personProgress = createRoute({
  method: "get",
  path: "/admin/people/{email}/progress",
  tags: ["Progress"],
  summary: "A person's progress on every certification, with the report tree of each",
  security: bearerSecurity,
  middleware: [requireApiScope("evidence:read")] as const,
  request: {
    params: z.object({
      email: EmailSchema.meta({ param: { name: "email", in: "path" } }),
    }),
  },
  responses: {
    200: json(
      z.object({
        email: z.string(),
        certifications: z.array(
          z.object({
            certification: z.string(),
            name: z.string(),
            status: z.enum(["held", "renewal-due", "pending-approval", "eligible", "in-progress", "not-automated"]),
            progress: z.number(),
            report: Report.nullable(),
          }),
        ),
      }),
      "Progress",
    ),
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const candidates = createRoute({
  method: "get",
  path: "/admin/certifications/{id}/candidates",
  tags: ["Progress"],
  summary: "Who is eligible for, pending approval of, close to, or holding a certification",
  security: bearerSecurity,
  middleware: [requireApiScope("evidence:read")] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(200)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    200: json(
      z.object({
        certification: z.string(),
        eligible: z.array(z.string()),
        pending: z.array(z.string()),
        close: z.array(z.string()),
        held: z.array(z.string()),
        renewalDue: z.array(z.string()),
      }),
      "Candidates",
    ),
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const listApprovals = createRoute({
  method: "get",
  path: "/admin/approvals",
  tags: ["Approvals"],
  summary: "Awards waiting for an admin's approval",
  security: bearerSecurity,
  middleware: [requireApiScope("approvals:decide")] as const,
  responses: {
    200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), "Pending approvals"),
    ...problems(...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const ApprovalId = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const alreadyDecided = { code: "CONFLICT", when: "The approval was already decided" } as const;

const approveRoute = createRoute({
  method: "post",
  path: "/admin/approvals/{id}/approve",
  tags: ["Approvals"],
  summary: "Approve: issue the credential",
  security: bearerSecurity,
  middleware: [requireApiScope("approvals:decide")] as const,
  request: { params: ApprovalId },
  responses: {
    201: json(
      z.object({ credentialId: z.string(), awarded: z.array(z.record(z.string(), z.unknown())) }),
      "Issued (and any certifications it completed)",
    ),
    ...problems(
      "VALIDATION_FAILED",
      "NOT_FOUND",
      { code: "CONFLICT", when: "The approval was already decided, or the person already holds the certification" },
      ...AUTH_PROBLEMS,
      ...STORAGE_PROBLEMS,
    ),
  },
});

const rejectRoute = createRoute({
  method: "post",
  path: "/admin/approvals/{id}/reject",
  tags: ["Approvals"],
  summary: "Reject, with a reason",
  security: bearerSecurity,
  middleware: [requireApiScope("approvals:decide")] as const,
  request: {
    params: ApprovalId,
    body: jsonBody(RejectApprovalSchema),
  },
  responses: {
    200: json(z.object({ rejected: z.literal(true) }), "Rejected"),
    ...problems(...BODY_PROBLEMS, "NOT_FOUND", alreadyDecided, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerProgress(app: OpenAPIHono<AppEnv>): void {
  app.openapi(personProgress, async (c) => {
    const { email } = c.req.valid("param");
    return c.json({ email, certifications: await progressForPerson(c.get("ctx"), email) }, 200);
  });
  app.openapi(candidates, async (c) => c.json(await candidatesFor(c.get("ctx"), c.req.valid("param").id), 200));
  app.openapi(listApprovals, async (c) => c.json({ items: await listPendingApprovals(c.get("ctx")) }, 200));
  app.openapi(approveRoute, async (c) =>
    c.json(await approve(c.get("ctx"), c.req.valid("param").id, actorOf(c.get("principal"))), 201),
  );
  app.openapi(rejectRoute, async (c) => {
    await reject(c.get("ctx"), c.req.valid("param").id, actorOf(c.get("principal")), c.req.valid("json").reason);
    return c.json({ rejected: true as const }, 200);
  });
}
