import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { issueForVcApi } from "../../../services/vc-api-issue.js";
import { updateStatusForVcApi } from "../../../services/vc-api-status.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { verifyRateLimit } from "../../rate-limit.js";
import {
  VcApiIssueRequestSchema,
  VcApiIssueResponseSchema,
  VcApiStatusRequestSchema,
  VcApiStatusResponseSchema,
} from "./vc-api-issuer-schemas.js";

const security = [...bearerSecurity, { oauth2: ["credentials:issue", "credentials:status"] }];

const issueRoute = createRoute({
  method: "post",
  path: "/credentials/issue",
  tags: ["VC API"],
  summary: "Issue any verifiable credential (W3C VC API)",
  description:
    "Signs a VC Data Model 2.0 (or 1.1) credential as this service's issuer (`issuer` must be its DID, or is filled " +
    "in), with a `DataIntegrityProof` `eddsa-rdfc-2022`, or as a VC-JOSE-COSE envelope (`options.envelope`). " +
    "`options.credentialStatus` adds Bitstring Status List entries. Every VC Data Model rule is checked: a broken one is a " +
    "400 naming it (`[rule] path …`), another issuer a 422. API key or OAuth token with scope `credentials:issue`.",
  security,
  middleware: [requireApiScope("credentials:issue"), verifyRateLimit()] as const,
  request: { body: jsonBody(VcApiIssueRequestSchema) },
  responses: {
    201: { description: "Issued", content: { "application/json": { schema: VcApiIssueResponseSchema } } },
    ...problems(
      ...BODY_PROBLEMS,
      ...AUTH_PROBLEMS,
      { code: "CONFLICT", when: "Another credential with status entries already has this id" },
      { code: "UNPROCESSABLE", when: "The credential names another issuer" },
      "TOO_MANY_REQUESTS",
      ...STORAGE_PROBLEMS,
    ),
  },
});

const statusRoute = createRoute({
  method: "post",
  path: "/credentials/status",
  tags: ["VC API"],
  summary: "Update a credential's status (W3C VC API)",
  description:
    "Revokes, suspends or reinstates a credential issued here (through /credentials/issue with status entries, or one " +
    "of our Open Badges, which goes through the same lifecycle as /admin/credentials/{id}/revoke…), re-signing its " +
    "status list before answering. API key or OAuth token with scope `credentials:status`.",
  security,
  middleware: [requireApiScope("credentials:status"), verifyRateLimit()] as const,
  request: { body: jsonBody(VcApiStatusRequestSchema) },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: VcApiStatusResponseSchema } } },
    ...problems(
      ...BODY_PROBLEMS,
      ...AUTH_PROBLEMS,
      { code: "NOT_FOUND", when: "No credential with status entries has this id" },
      { code: "CONFLICT", when: "The change is not allowed in its state (revocation is final; no suspension entry)" },
      "TOO_MANY_REQUESTS",
      ...STORAGE_PROBLEMS,
    ),
  },
});

/** The W3C VC API issuer: /credentials/issue and the status service /credentials/status. */
export function registerVcApiIssuer(app: OpenAPIHono<AppEnv>): void {
  app.openapi(issueRoute, async (c) => {
    const { credential, options = {} } = c.req.valid("json");
    const verifiableCredential = await issueForVcApi(c.get("ctx"), {
      credential,
      options,
      actor: actorOf(c.get("principal")),
    });
    return c.json({ verifiableCredential }, 201, { "cache-control": "no-store" });
  });

  app.openapi(statusRoute, async (c) => {
    const { credentialId, credentialStatus, reason, reasonPublic } = c.req.valid("json");
    const result = await updateStatusForVcApi(c.get("ctx"), {
      credentialId,
      operations: Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus],
      reason: reason ?? "status update through the VC API",
      reasonPublic: reasonPublic === true,
      actor: actorOf(c.get("principal")),
    });
    return c.json(result, 200, { "cache-control": "no-store" });
  });
}
