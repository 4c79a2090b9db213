import { serveStatic } from "@hono/node-server/serve-static";
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { consoleErrorOr, createConsoleApp } from "./http/console/console-app.js";
import type { AppEnv } from "./http/env.js";
import { settleRenderContext } from "./http/pages/render-context.js";
import { notFound, onError, validationHook } from "./http/problem.js";
import { publicDocumentCors } from "./http/public-cors.js";
import { requestLog } from "./http/request-log.js";
import { registerAudit } from "./http/routes/admin/audit.js";
import { registerCatalogAdmin } from "./http/routes/admin/catalog.js";
import { registerAdminCredentials } from "./http/routes/admin/credentials.js";
import { registerDeliveries } from "./http/routes/admin/deliveries.js";
import { registerEvents } from "./http/routes/admin/events.js";
import { registerEvidence } from "./http/routes/admin/evidence.js";
import { registerJobs } from "./http/routes/admin/jobs.js";
import { registerLifecycle } from "./http/routes/admin/lifecycle.js";
import { registerProgress } from "./http/routes/admin/progress.js";
import { registerWebhooks } from "./http/routes/admin/webhooks.js";
import { registerDocs } from "./http/routes/docs.js";
import { registerHealth } from "./http/routes/health.js";
import { registerAchievements } from "./http/routes/public/achievements.js";
import { registerCredentialFiles } from "./http/routes/public/credential-files.js";
import { type AheadChain, credentialPageAhead, registerPublicCredentials } from "./http/routes/public/credentials.js";
import { registerEarnerSpace } from "./http/routes/public/earner.js";
import { registerHome } from "./http/routes/public/home.js";
import { registerIdentity } from "./http/routes/public/identity.js";
import { registerOAuth } from "./http/routes/public/oauth.js";
import { registerPreferences } from "./http/routes/public/preferences.js";
import { registerStatusLists } from "./http/routes/public/status-lists.js";
import { registerVcApi } from "./http/routes/public/vc-api.js";
import { registerVcApiIssuer } from "./http/routes/public/vc-api-issuer.js";
import { registerVerifyApi } from "./http/routes/public/verify-api.js";
import { registerVerifyPage, tooLargePage } from "./http/routes/public/verify-page.js";
import { requestBodyLimits } from "./http/upload-limit.js";
import type { ServiceContext } from "./services/deps.js";

export type AppOptions = { publicDir?: string };

/** Builds the HTTP app around injected services; no I/O happens here (main.ts owns that). */
export function createApp(ctx: ServiceContext, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  // before anything renders: hono/jsx keeps its render contexts without the promise hooks (pages/render-context.ts)
  settleRenderContext();
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const chain = middlewareOf();
  // A browser's plain GET of a credential page, answered ahead of the chain with the chain's own pieces (its request
  // id, log line and headers); anything else goes on to the chain below. A middleware added to the chain must be added
  // to that path too (AheadChain): pages-ahead.test.ts holds the two answers' headers equal, not a middleware that only
  // refuses requests.
  app.get("/credentials/:id", credentialPageAhead(ctx, chain.ahead));
  useMiddleware(app, ctx, chain);
  registerHealth(app);
  registerPublicRoutes(app);
  registerAdminRoutes(app);
  // The console's pages (issue 14): sessions, not API keys; its own error pages (consoleErrorOr, below).
  app.route("/console", createConsoleApp());
  registerApiDocs(app, ctx);
  servePublicAssets(app, options);
  app.onError(consoleErrorOr(onError));
  // A browser that follows a wrong link gets a page saying so; machines get the problem document.
  app.notFound(notFound);
  return app;
}

/** The middleware instances of the chain that the page answered ahead of it uses too. */
export function middlewareOf() {
  const ids = requestId();
  const log = requestLog();
  const security = secureHeaders({ crossOriginResourcePolicy: "cross-origin" });
  // Public documents are read by browser-based verifiers and wallets on other origins.
  const publicCors = publicDocumentCors();
  // (in the order the chain sets them: CORS before the route, the security headers after it)
  const ahead: AheadChain = { requestId: ids, requestLog: log, headers: [security, publicCors] };
  return { requestId: ids, requestLog: log, security, publicCors, ahead };
}

/** Request ids, the service context, logging, security headers, body limits, and CORS on public documents. */
function useMiddleware(app: OpenAPIHono<AppEnv>, ctx: ServiceContext, chain: ReturnType<typeof middlewareOf>): void {
  app.use(chain.requestId);
  app.use((c, next) => {
    c.set("ctx", ctx);
    c.set("principal", null);
    return next();
  });
  app.use(chain.requestLog);
  app.use(chain.security);
  app.use(
    requestBodyLimits(
      {
        general: ctx.config.maxBodyBytes,
        verifyUpload: ctx.config.verify.maxUploadBytes,
        jobsUpload: ctx.config.jobsMaxUploadBytes,
      },
      { "/verify": tooLargePage },
    ),
  );

  for (const path of PUBLIC_DOCUMENT_PATHS) {
    app.use(path, chain.publicCors);
  }
}

const PUBLIC_DOCUMENT_PATHS = [
  "/.well-known/*",
  "/keys/*",
  "/issuer",
  "/achievements",
  "/achievements/*",
  "/credentials/*",
  "/status-lists/*",
];

/** What anyone may read or ask: identity, catalog, credentials and their files, status lists, verification. */
function registerPublicRoutes(app: OpenAPIHono<AppEnv>): void {
  registerHome(app);
  registerIdentity(app);
  registerAchievements(app);
  registerPublicCredentials(app);
  registerCredentialFiles(app);
  registerStatusLists(app);
  registerVerifyPage(app);
  registerVerifyApi(app);
  registerVcApi(app);
  registerPreferences(app);
  registerEarnerSpace(app);
  registerVcApiIssuer(app);
  registerOAuth(app);
}

/** The API-key routes under /admin. */
function registerAdminRoutes(app: OpenAPIHono<AppEnv>): void {
  registerAdminCredentials(app);
  registerLifecycle(app);
  registerEvents(app);
  registerDeliveries(app);
  registerWebhooks(app);
  registerEvidence(app);
  registerJobs(app);
  registerProgress(app);
  registerAudit(app);
  registerCatalogAdmin(app);
}

/** The readable reference at /docs and the OpenAPI document it renders, at /openapi.json. */
function registerApiDocs(app: OpenAPIHono<AppEnv>, ctx: ServiceContext): void {
  registerDocs(app);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "An API key (`lrl_…`) created on first start or with `npm run api-keys -- create`, or an OAuth access token " +
      "(`lrt_…`) from /oauth/token",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "oauth2", {
    type: "oauth2",
    description:
      "OAuth 2.0 client credentials (RFC 6749 §4.4): clients from `npm run api-keys -- create --oauth-client`",
    flows: {
      clientCredentials: {
        tokenUrl: `${ctx.config.publicUrl}/oauth/token`,
        scopes: { "credentials:issue": "Issue credentials", "credentials:status": "Update credentials' status" },
      },
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "oauthClientBasic", {
    type: "http",
    scheme: "basic",
    description: "An OAuth client's id and secret, at the token endpoint only",
  });
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Laurel API",
      version: "0.1.0",
      description: "Open Badges 3.0 credential service: issue, read and verify signed credentials.",
    },
    servers: [{ url: ctx.config.publicUrl }],
  });
}

/** The stylesheet and logo under /public. */
function servePublicAssets(app: OpenAPIHono<AppEnv>, options: AppOptions): void {
  // They change only with a deployment: let browsers keep them for an hour.
  app.use("/public/*", async (c, next) => {
    await next();
    if (c.res.status === 200) {
      c.header("cache-control", "public, max-age=3600");
    }
  });
  app.use("/public/*", serveStatic({ root: options.publicDir ?? "./" }));
}
