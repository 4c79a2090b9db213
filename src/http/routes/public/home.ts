import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.js";
import { HomePage } from "../../pages/home-page.js";
import { prefersHtml } from "../../pages/negotiate.js";
import { siteOf } from "../../pages/site.js";
import { sendPage } from "../../send-page.js";

/** GET /: the home page for browsers, the service's links as JSON for everyone else (`Vary: Accept`). */
export function registerHome(app: OpenAPIHono<AppEnv>): void {
  app.get("/", (c) => {
    const ctx = c.get("ctx");
    if (prefersHtml(c.req.header("accept"))) {
      const page = HomePage({ site: siteOf(ctx), description: ctx.issuer.description, entries: ctx.catalog.entries });
      return sendPage(c, page, { cache: "public", varyAccept: true });
    }
    c.header("vary", "Accept");
    return c.json({
      service: "Laurel",
      issuer: { id: ctx.issuer.id, name: ctx.issuer.name },
      links: {
        apiReference: `${ctx.config.publicUrl}/docs`,
        openapi: `${ctx.config.publicUrl}/openapi.json`,
        didDocument: `${ctx.config.publicUrl}/.well-known/did.json`,
        jwks: `${ctx.config.publicUrl}/.well-known/jwks.json`,
        issuerProfile: `${ctx.config.publicUrl}/issuer`,
        achievements: `${ctx.config.publicUrl}/achievements`,
      },
    });
  });
}
