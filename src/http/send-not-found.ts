import type { Context } from "hono";
import type { AppEnv } from "./env.js";
import { type Missing, NotFoundPage } from "./pages/not-found-page.js";
import { siteOf } from "./pages/site.js";
import { sendPage } from "./send-page.js";

/** What a browser asked for at a public address: a credential (or its files), a short link, a certification. */
export function missingAt(path: string): Missing {
  if (path.startsWith("/credentials/")) {
    return "credential";
  }
  if (path.startsWith("/c/")) {
    return "short-link";
  }
  return path.startsWith("/achievements/") ? "certification" : "page";
}

/** The 404 page for a browser; `varyAccept` on URLs that answer machines with JSON. */
export function sendNotFoundPage(c: Context<AppEnv>, missing: Missing, options: { varyAccept?: boolean } = {}) {
  return sendPage(c, NotFoundPage({ site: siteOf(c.get("ctx")), missing }), {
    status: 404,
    varyAccept: options.varyAccept ?? false,
  });
}
