import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import { CredentialIdParamSchema } from "../../../schemas/credential-id.js";
import { type CredentialView, credentialViewJson } from "../../../services/credential-view.js";
import { issueCredentialByHand } from "../../../services/issue-by-hand.js";
import { getCredential, listCredentialPage } from "../../../services/read-credentials.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, BODY_PROBLEMS, bearerSecurity, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import {
  CredentialListQuerySchema,
  CredentialPageSchema,
  CredentialViewSchema,
  IssueCredentialRequestSchema,
} from "./credential-schemas.js";

const issueRoute = createRoute({
  method: "post",
  path: "/admin/credentials",
  tags: ["Credentials"],
  summary: "Issue a credential",
  description: "Issues a signed OpenBadgeCredential for a catalog certification to a recipient.",
  security: bearerSecurity,
  middleware: [requireApiScope("credentials:issue")] as const,
  request: {
    body: jsonBody(IssueCredentialRequestSchema),
  },
  responses: {
    201: { description: "Issued", content: { "application/json": { schema: CredentialViewSchema } } },
    ...problems(...BODY_PROBLEMS, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/admin/credentials",
  tags: ["Credentials"],
  summary: "List credentials",
  description: "Newest first; filter by certification or recipient email; follow `nextCursor` for more.",
  security: bearerSecurity,
  middleware: [requireApiScope("credentials:read")] as const,
  request: { query: CredentialListQuerySchema },
  responses: {
    200: { description: "One page", content: { "application/json": { schema: CredentialPageSchema } } },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/admin/credentials/{id}",
  tags: ["Credentials"],
  summary: "Get a credential",
  security: bearerSecurity,
  middleware: [requireApiScope("credentials:read")] as const,
  request: { params: CredentialIdParamSchema },
  responses: {
    200: { description: "The credential", content: { "application/json": { schema: CredentialViewSchema } } },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerAdminCredentials(app: OpenAPIHono<AppEnv>): void {
  app.openapi(issueRoute, async (c) => {
    const body = c.req.valid("json");
    const view = await issueCredentialByHand(c.get("ctx"), { ...body, actor: actorOf(c.get("principal")) });
    // c.json's bytes, with the signed document sent as the text it was stored as (not parsed and serialised again)
    return c.body(credentialViewJson(view), 201, {
      location: `/admin/credentials/${view.id}`,
      "content-type": "application/json",
    }) as unknown as TypedResponse<JSONParsed<CredentialView>, 201, "json">;
  });
  app.openapi(listRoute, async (c) => c.json(await listCredentialPage(c.get("ctx"), c.req.valid("query")), 200));
  app.openapi(getRoute, async (c) => c.json(await getCredential(c.get("ctx"), c.req.valid("param").id), 200));
}
