import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./env.js";

/**
 * The path a log line names: the pattern of the endpoint that matched (`/admin/people/:email/progress`), never the
 * values in it, which can be e-mail addresses. A request no endpoint matched (a 404, a static file) keeps its path,
 * with every segment that holds an address (or looks like an API key) replaced by `:redacted`.
 */
export function loggedPath(c: Context<AppEnv>): string {
  const endpoint = matchedRoutes(c).findLast((route) => route.method !== "ALL");
  if (endpoint) {
    return endpoint.path;
  }
  return c.req.path
    .split("/")
    .map((segment) => (/@|%40|^lrl_/i.test(segment) ? ":redacted" : segment))
    .join("/");
}

/** The probes a load balancer sends every few seconds: logged only when they do not answer 200. */
const PROBES = new Set(["/healthz", "/readyz"]);

/**
 * One JSON log line per request: method, route pattern, status, duration; never headers, bodies or query strings.
 * Health probes that pass are not logged (they would drown the rest).
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    if (c.res.status === 200 && PROBES.has(c.req.path)) {
      return;
    }
    c.get("ctx").logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: loggedPath(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
