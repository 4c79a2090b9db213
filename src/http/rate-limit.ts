import type { Context, MiddlewareHandler } from "hono";
import { MemoryStore, rateLimiter, type Store } from "hono-rate-limiter";
import type { RateLimitStore, ServiceContext } from "../services/deps.js";
import { RATE_LIMIT_WINDOW_MS, sharedRateLimitCounters } from "../services/rate-limits.js";
import type { AppEnv } from "./env.js";
import { problemResponse } from "./problem.js";

/** Answers a client over its limit; `retryAfter` is in seconds. */
export type OnLimited = (c: Context<AppEnv>, retryAfter: number) => Response | Promise<Response>;

/** The client's address: the socket's, or (behind a trusted proxy) the last X-Forwarded-For entry. */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.get("ctx").config.verify.trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) {
      return forwarded;
    }
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** IPv6 clients are counted per /64: one host usually holds a whole /64 and could otherwise rotate addresses. */
export function rateLimitKey(address: string): string {
  const ip = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (!ip.includes(":")) {
    return ip;
  }
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

function problem(c: Context<AppEnv>, retryAfter: number): Response {
  const who = c.get("principal") ? "with this API key" : "from your address";
  return problemResponse(
    c,
    "TOO_MANY_REQUESTS",
    `Too many requests ${who}; try again in ${retryAfter} seconds.`,
    {},
    { "retry-after": String(retryAfter) },
  );
}

const WINDOW_MS = RATE_LIMIT_WINDOW_MS;

/**
 * The verify endpoints' hit counters, for the service state (ServiceState.verifyRateLimit): one store per service
 * context, shared by every verify endpoint (the API, the VC API verifier, the form). Created on the first request,
 * with its window started then, once: the limiters over it leave it alone (they would restart its clean-up timer).
 */
export function createVerifyRateLimitStore(): RateLimitStore {
  let store: MemoryStore<AppEnv> | undefined;
  const counters = () => {
    if (!store) {
      store = new MemoryStore<AppEnv>();
      store.init({ windowMs: WINDOW_MS } as Parameters<MemoryStore<AppEnv>["init"]>[0]);
    }
    return store;
  };
  return {
    get: (key) => counters().get(key),
    increment: (key) => counters().increment(key),
    decrement: (key) => counters().decrement(key),
    resetKey: (key) => counters().resetKey(key),
  };
}

/**
 * The counters a limit counts with: in memory (one node: SQLite), or in the database, shared by every node
 * (PostgreSQL), whose windows follow the context's clock. With the time that their reset times are measured against.
 */
function countersOf(ctx: ServiceContext, limiter: string): { store: Store<AppEnv>; now: () => number } {
  if (ctx.store.dialect === "pg") {
    return { store: sharedRateLimitCounters(ctx, limiter), now: () => ctx.clock().getTime() };
  }
  return { store: ctx.state.verifyRateLimit, now: () => Date.now() };
}

/** A limiter over the context's counters: cheap to build (the counters are the state), so built per request. */
function limiterFor(ctx: ServiceContext, onLimited: OnLimited): MiddlewareHandler<AppEnv> {
  const counters = countersOf(ctx, "verify");
  return rateLimiter<AppEnv>({
    windowMs: WINDOW_MS,
    // an API key or OAuth client is counted on its own, with its own limit when it has one
    limit: (c) => c.get("principal")?.rateLimitPerMinute ?? ctx.config.verify.rateLimitPerMinute,
    standardHeaders: "draft-6",
    keyGenerator: (c) => {
      const principal = c.get("principal");
      return principal ? `key:${principal.id}` : rateLimitKey(clientAddress(c));
    },
    store: counters.store,
    handler: (c) => {
      const info = c.get("rateLimit" as never) as { resetTime?: Date } | undefined;
      const reset = info?.resetTime ? Math.ceil((info.resetTime.getTime() - counters.now()) / 1000) : WINDOW_MS / 1000;
      return onLimited(c, Math.max(1, reset));
    },
  });
}

/**
 * Rate limit of the public verification endpoints and the VC API: `LAUREL_VERIFY_RATE_LIMIT` requests per client
 * address per minute, counted together across every endpoint that uses it; a request authenticated by an API key or
 * OAuth token (authentication runs first) is counted per key instead, against the key's own limit when it has one; over the limit, 429 problem+json with Retry-After (or what
 * `onLimited` renders, e.g. an HTML page for the verify form).
 */
export function verifyRateLimit(onLimited: OnLimited = problem): MiddlewareHandler<AppEnv> {
  return (c, next) => limiterFor(c.get("ctx"), onLimited)(c, next);
}
