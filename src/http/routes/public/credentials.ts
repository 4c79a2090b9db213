import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { getCredentialJwt, getSignedCredential } from "../../../services/read-credentials.js";
import type { AppEnv } from "../../env.js";
import { notFoundResponse, problemResponses } from "../../openapi.js";
import { CredentialIdParamSchema } from "../admin/credential-schemas.js";

const IdParam = CredentialIdParamSchema;

const jsonRoute = createRoute({
  method: "get",
  path: "/credentials/{id}",
  tags: ["Public"],
  summary: "A credential as signed JSON-LD",
  description: "The OpenBadgeCredential exactly as issued, with its Data Integrity proof.",
  request: { params: IdParam },
  responses: {
    200: {
      description: "The signed credential",
      content: { "application/vc+ld+json": { schema: z.record(z.string(), z.unknown()) } },
    },
    ...problemResponses,
    ...notFoundResponse,
  },
});

const jwtRoute = createRoute({
  method: "get",
  path: "/credentials/{id}/jwt",
  tags: ["Public"],
  summary: "A credential as VC-JWT",
  description: "The compact JWS (ES256) whose header `kid` points at the signing key's JWK.",
  request: { params: IdParam },
  responses: {
    200: {
      description: "The VC-JWT (text/plain, as OB 3.0 §docformat says)",
      content: { "text/plain": { schema: z.string() } },
    },
    ...problemResponses,
    ...notFoundResponse,
  },
});

export function registerPublicCredentials(app: OpenAPIHono<AppEnv>): void {
  app.openapi(jsonRoute, (c) => {
    const document = getSignedCredential(c.var.ctx, c.req.valid("param").id);
    // Re-serialising the stored JSON yields the same bytes; c.json keeps the route typed.
    return c.json(JSON.parse(document) as Record<string, never>, 200, {
      "content-type": "application/vc+ld+json",
      "cache-control": "no-cache",
    });
  });
  app.openapi(jwtRoute, (c) => {
    const jwt = getCredentialJwt(c.var.ctx, c.req.valid("param").id);
    return c.text(jwt, 200, { "cache-control": "no-cache" });
  });
}
