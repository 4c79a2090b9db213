import { createRoute, type OpenAPIHono, type z } from "@hono/zod-openapi";
import { CredentialIdParamSchema } from "../../../schemas/credential-id.js";
import {
  ReinstateRequestSchema,
  ReissueRequestSchema,
  RevokeRequestSchema,
  SuspendRequestSchema,
} from "../../../schemas/lifecycle.js";
import {
  reinstateCredential,
  reissueCredential,
  revokeCredential,
  suspendCredential,
} from "../../../services/credential-status.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { CredentialViewSchema } from "./credential-schemas.js";
import { ReissueResultSchema } from "./lifecycle-schemas.js";

const errors = problems(
  ...BODY_PROBLEMS,
  ...AUTH_PROBLEMS,
  "NOT_FOUND",
  { code: "CONFLICT", when: "Not allowed in the credential's current state (revoked, suspended, not suspendable…)" },
  ...STORAGE_PROBLEMS,
);

function statusRoute(operation: "revoke" | "suspend" | "reinstate", schema: z.ZodType, description: string) {
  return createRoute({
    method: "post",
    path: `/admin/credentials/{id}/${operation}`,
    tags: ["Credential lifecycle"],
    summary: `${operation[0]?.toUpperCase()}${operation.slice(1)} a credential`,
    description,
    security: bearerSecurity,
    middleware: [requireApiScope("credentials:status")] as const,
    request: {
      params: CredentialIdParamSchema,
      body: jsonBody(schema),
    },
    responses: {
      200: {
        description: "The credential with its new status",
        content: { "application/json": { schema: CredentialViewSchema } },
      },
      ...errors,
    },
  });
}

const revokeRoute = statusRoute(
  "revoke",
  RevokeRequestSchema,
  "Revokes the credential for good (a suspended one too): its revocation bit is set and the status list re-signed " +
    "before the answer, so verifiers see it at their next fetch (lists are cacheable for 30 s). The reason is " +
    "audited; it appears on the public page only with `reasonPublic: true`.",
);
const suspendRoute = statusRoute(
  "suspend",
  SuspendRequestSchema,
  "Suspends an active credential of a certification that allows suspension (`suspendable: true`): reversible " +
    "with reinstate.",
);
const reinstateRoute = statusRoute(
  "reinstate",
  ReinstateRequestSchema,
  "Lifts the suspension of a suspended, unrevoked credential: it verifies as valid again.",
);

const reissueRoute = createRoute({
  method: "post",
  path: "/admin/credentials/{id}/reissue",
  tags: ["Credential lifecycle"],
  summary: "Reissue a credential with corrected recipient details",
  description:
    "Issues a new credential of the same certification with the corrected name and/or email, keeping the original " +
    "`awardedDate`, expiry, evidence and results; the old one is revoked as superseded (public reason " +
    '"superseded") and both are linked.',
  security: bearerSecurity,
  middleware: [requireApiScope("credentials:status")] as const,
  request: {
    params: CredentialIdParamSchema,
    body: jsonBody(ReissueRequestSchema),
  },
  responses: {
    201: { description: "Reissued", content: { "application/json": { schema: ReissueResultSchema } } },
    ...errors,
  },
});

export function registerLifecycle(app: OpenAPIHono<AppEnv>): void {
  app.openapi(revokeRoute, async (c) => {
    const body = c.req.valid("json") as z.infer<typeof RevokeRequestSchema>;
    const input = { credentialId: c.req.valid("param").id, ...body, actor: actorOf(c.get("principal")) };
    return c.json(await revokeCredential(c.get("ctx"), input), 200);
  });
  app.openapi(suspendRoute, async (c) => {
    const body = c.req.valid("json") as z.infer<typeof SuspendRequestSchema>;
    const input = { credentialId: c.req.valid("param").id, ...body, actor: actorOf(c.get("principal")) };
    return c.json(await suspendCredential(c.get("ctx"), input), 200);
  });
  app.openapi(reinstateRoute, async (c) => {
    const body = c.req.valid("json") as z.infer<typeof ReinstateRequestSchema>;
    const input = { credentialId: c.req.valid("param").id, ...body, actor: actorOf(c.get("principal")) };
    return c.json(await reinstateCredential(c.get("ctx"), input), 200);
  });
  app.openapi(reissueRoute, async (c) => {
    const body = c.req.valid("json");
    const id = c.req.valid("param").id;
    const result = await reissueCredential(c.get("ctx"), {
      credentialId: id,
      ...body,
      actor: actorOf(c.get("principal")),
    });
    return c.json(result, 201, { location: `/admin/credentials/${result.credential.id}` });
  });
}
