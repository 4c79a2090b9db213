import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./env.js";

/** What the public documents answer every origin with: any origin may read them, and these two headers. */
const ALLOW_ORIGIN = "*";
const EXPOSE_HEADERS = ["ETag", "Content-Disposition"];

/**
 * CORS on the public documents, read by browser-based verifiers and wallets on other origins: hono's `cors` with the
 * options below answers the preflights (OPTIONS) as it did; any other request gets the two headers it would set, set
 * on the route's answer once it is made. hono's `cors` sets them on `c.res` BEFORE the route, which makes an empty
 * answer in advance; the route's answer is then copied into a new Response by hono's `c.res` setter to take them over
 * (under @hono/node-server, that turns its lightweight answer into a real undici Response whose body is streamed:
 * about a quarter of the server's CPU on the DID document). The answer is the same: hono's `cors` (origin "*") sets
 * the two headers whatever the route said, and so does this, over the route's answer, its error answer (the app's
 * onError answers inside `next()`) and a 404 alike. An answer whose headers cannot be changed (an immutable Response)
 * is copied first, as hono's setter would have copied it. (One difference no answer of the service shows: hono's `cors`
 * kept a CORS header a route set with c.header() before answering, where this sets its own over it; no route sets
 * one, which test/integration/public-cors.test.ts holds.)
 */
export function publicDocumentCors(): MiddlewareHandler<AppEnv> {
  const preflight = cors({ origin: ALLOW_ORIGIN, allowMethods: ["GET", "HEAD"], exposeHeaders: EXPOSE_HEADERS });
  const exposed = EXPOSE_HEADERS.join(",");
  // (named: the chain's middleware are listed by name in test/integration/pages-ahead.test.ts)
  return async function publicDocumentCors(c, next) {
    if (c.req.method === "OPTIONS") {
      return preflight(c, next);
    }
    await next();
    let headers = c.res.headers;
    try {
      headers.set("access-control-allow-origin", ALLOW_ORIGIN);
    } catch {
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
      headers.set("access-control-allow-origin", ALLOW_ORIGIN);
    }
    headers.set("access-control-expose-headers", exposed);
  };
}
