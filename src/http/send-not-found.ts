import type { Context } from "hono";
import type { AppEnv } from "./env.js";
import { type Missing, NotFoundPage } from "./pages/not-found-page.js";
import { siteOf } from "./pages/site.js";
import { sendPage } from "./send-page.js";

/** The 404 page for a browser; `varyAccept` on URLs that answer machines with JSON. */
export function sendNotFoundPage(c: Context<AppEnv>, missing: Missing, options: { varyAccept?: boolean } = {}) {
  return sendPage(c, NotFoundPage({ site: siteOf(c.var.ctx), missing }), {
    status: 404,
    varyAccept: options.varyAccept ?? false,
  });
}
