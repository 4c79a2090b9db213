import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getDidDocument, getIssuerProfileDocument, getJwk, getJwks } from "../../../services/issuer-identity.js";
import type { AppEnv } from "../../env.js";
import { problems } from "../../openapi.js";
import { IssuerPage } from "../../pages/issuer-page.js";
import { prefersHtml } from "../../pages/negotiate.js";
import { siteOf } from "../../pages/site.js";
import { sendPage } from "../../send-page.js";

const JsonDoc = z.record(z.string(), z.unknown());

/** Public identity documents change only on key rotation: short public caching. */
function sendDocument(c: Context<AppEnv>, body: object, contentType: string) {
  return c.json(body as Record<string, never>, 200, {
    "content-type": contentType,
    "cache-control": "public, max-age=300",
  });
}

const didRoute = createRoute({
  method: "get",
  path: "/.well-known/did.json",
  tags: ["Issuer identity"],
  summary: "The issuer's did:web DID document",
  description: "Multikey verification methods of every key generation, so old credentials keep verifying.",
  responses: {
    200: { description: "DID document", content: { "application/did+ld+json": { schema: JsonDoc } } },
    ...problems(),
  },
});

const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Issuer identity"],
  summary: "The issuer's VC-JWT public keys (JWK Set)",
  responses: {
    200: { description: "JWK Set", content: { "application/jwk-set+json": { schema: JsonDoc } } },
    ...problems(),
  },
});

const jwkRoute = createRoute({
  method: "get",
  path: "/keys/{name}",
  tags: ["Issuer identity"],
  summary: "One public JWK, at its `kid` URL",
  request: {
    params: z.object({
      name: z
        .string()
        .regex(/^key-\d{1,6}$/, "must look like key-<n>")
        .openapi({ param: { name: "name", in: "path" } }),
    }),
  },
  responses: {
    200: { description: "JWK", content: { "application/jwk+json": { schema: JsonDoc } } },
    ...problems("VALIDATION_FAILED", "NOT_FOUND"),
  },
});

const profileRoute = createRoute({
  method: "get",
  path: "/issuer",
  tags: ["Issuer identity"],
  summary: "The issuer Profile (OB 3.0) as JSON-LD, or its page for browsers",
  description:
    "Clients whose `Accept` prefers `text/html` get the issuer's page: its certifications by program and the " +
    "journey between them (`Vary: Accept`).",
  responses: {
    200: {
      description: "Profile",
      content: { "application/ld+json": { schema: JsonDoc }, "text/html": { schema: z.string() } },
    },
    ...problems(),
  },
});

export function registerIdentity(app: OpenAPIHono<AppEnv>): void {
  app.openapi(didRoute, async (c) => sendDocument(c, await getDidDocument(c.get("ctx")), "application/did+ld+json"));
  app.openapi(jwksRoute, async (c) => sendDocument(c, await getJwks(c.get("ctx")), "application/jwk-set+json"));
  app.openapi(jwkRoute, async (c) =>
    sendDocument(c, await getJwk(c.get("ctx"), c.req.valid("param").name), "application/jwk+json"),
  );
  app.openapi(profileRoute, (c) => {
    const ctx = c.get("ctx");
    if (prefersHtml(c.req.header("accept"))) {
      const page = IssuerPage({
        site: siteOf(ctx),
        issuer: ctx.issuer,
        entries: ctx.catalog.entries,
        profileUrl: `${ctx.config.publicUrl}/issuer`,
      });
      return sendPage(c, page, { cache: "public", varyAccept: true });
    }
    c.header("vary", "Accept");
    return sendDocument(c, getIssuerProfileDocument(ctx), "application/ld+json");
  });
}
