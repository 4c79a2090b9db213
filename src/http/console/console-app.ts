import { type Context, Hono } from "hono";
import { dashboardFor } from "../../services/dashboard.js";
import { ConsoleHomePage } from "../pages/console/home-page.js";
import { registerApiKeyPages } from "./api-keys-routes.js";
import { registerApprovalPages } from "./approvals-routes.js";
import { registerAuditPage } from "./audit-routes.js";
import { registerCatalogPages } from "./catalog-routes.js";
import type { ConsoleEnv } from "./console-env.js";
import { registerCredentialPages } from "./credentials-routes.js";
import { registerEventsPage } from "./events-routes.js";
import { registerEvidencePages } from "./evidence-routes.js";
import { registerPeoplePages } from "./people-routes.js";
import { consoleError, sendConsolePage } from "./render.js";
import { chromeOf, consoleSession, requireSession, sessionOf } from "./session.js";
import { registerSignIn } from "./sign-in-routes.js";
import { registerSso } from "./sso-routes.js";
import { registerUserPages } from "./users-routes.js";

/**
 * Whether a request is the console's (its session middleware has run: `session` is set, null or not). Its errors are
 * then console pages (consoleErrorOr).
 */
function inConsole(c: Context): boolean {
  return (c as unknown as Context<ConsoleEnv>).get("session") !== undefined;
}

/**
 * The app's error handler with the console's in front: an error of a console request (a service's refusal: 403, 404,
 * 409, 429…) as a console page (consoleError), any other request's by `fallback`. The console app has no error
 * handler of its own: hono wraps every handler and middleware of a sub-app that has one in a composition of its own
 * (an async function, a promise and a context read more per layer, four layers on a console page: measured 2.7 µs a
 * layer against 0.65 µs, with the store's AsyncLocalStorage on).
 */
export function consoleErrorOr<C extends Context>(fallback: (err: Error, c: C) => Response) {
  return (err: Error, c: C): Response =>
    inConsole(c) ? consoleError(err, c as unknown as Context<ConsoleEnv>) : fallback(err, c);
}

/**
 * The console under /console: server-rendered pages over the same services as the API, for signed-in accounts.
 * Every request resolves its session cookie; every non-GET comes from our origin with the session's CSRF token; every
 * page but sign-in needs a session and the permission it names (domain/access.ts `can`), else a 403 page. Mounted
 * with the app's error handler wrapped by consoleErrorOr.
 */
export function createConsoleApp(): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use(consoleSession());
  registerSignIn(app);
  registerSso(app);
  app.get("/", requireSession(), async (c) => {
    const session = sessionOf(c);
    const dashboard = await dashboardFor(c.get("ctx"), session.principal);
    return sendConsolePage(
      c,
      ConsoleHomePage({ chrome: chromeOf(c, session), grants: session.user.grants, via: session.via, dashboard }),
    );
  });
  registerCredentialPages(app);
  registerEvidencePages(app);
  registerApprovalPages(app);
  registerPeoplePages(app);
  registerApiKeyPages(app);
  registerUserPages(app);
  registerAuditPage(app);
  registerCatalogPages(app);
  registerEventsPage(app);
  return app;
}
