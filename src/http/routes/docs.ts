import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { html } from "hono/html";
import type { AppEnv } from "../env.js";

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

/** swagger-ui-dist's files, served from the installed package (never a CDN: no network at run time). */
function swaggerAsset(name: string): string {
  const require = createRequire(import.meta.url);
  const dir = (require("swagger-ui-dist") as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
  return readFileSync(join(dir, name), "utf8");
}

const INIT_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#api", deepLinking: true, tryItOutEnabled: false });
});`;

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'";

/** The readable API reference at /docs, rendered by swagger-ui from /openapi.json. */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  const cache = new Map<string, string>();
  app.get("/docs", (c) => {
    c.header("content-security-policy", DOCS_CSP);
    return c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Laurel API reference</title>
          <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
        </head>
        <body>
          <div id="api"></div>
          <script src="/docs/assets/swagger-ui-bundle.js"></script>
          <script src="/docs/assets/init.js"></script>
        </body>
      </html>`);
  });
  app.get("/docs/assets/:name", (c) => {
    const name = c.req.param("name");
    if (name === "init.js") {
      return c.body(INIT_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" });
    }
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) {
      return c.notFound();
    }
    let body = cache.get(name);
    if (body === undefined) {
      body = swaggerAsset(name);
      cache.set(name, body);
    }
    return c.body(body, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
}
