import {
  hitRateLimitWindow,
  pruneRateLimitWindows,
  resetRateLimitWindow,
  unhitRateLimitWindow,
} from "../storage/rate-limit-repo.js";
import type { RateLimitHits, ServiceContext } from "./deps.js";

/** Every rate limit counts over windows of one minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Rate-limit counters in the database, shared by every node of a PostgreSQL deployment (a client spreading its
 * requests over the nodes is counted once): one upsert per hit, in the client's fixed window of a minute, by the
 * context's clock. `limiter` names the limit (`verify`), so that limits never share a counter.
 */
export type SharedRateLimitCounters = {
  increment: (key: string) => Promise<RateLimitHits>;
  decrement: (key: string) => Promise<void>;
  resetKey: (key: string) => Promise<void>;
};

export function sharedRateLimitCounters(
  ctx: Pick<ServiceContext, "store" | "clock">,
  limiter: string,
): SharedRateLimitCounters {
  const keyOf = (key: string) => `${limiter}:${key}`;
  return {
    increment: async (key) => {
      const window = await ctx.store.tx((tx) =>
        hitRateLimitWindow(tx, { key: keyOf(key), now: ctx.clock(), windowMs: RATE_LIMIT_WINDOW_MS }),
      );
      return {
        totalHits: window.hits,
        resetTime: new Date(window.windowStart.getTime() + RATE_LIMIT_WINDOW_MS),
      };
    },
    decrement: (key) => ctx.store.tx((tx) => unhitRateLimitWindow(tx, keyOf(key))),
    resetKey: (key) => ctx.store.tx((tx) => resetRateLimitWindow(tx, keyOf(key))),
  };
}

/** Deletes the windows that have ended (the periodic clean-up, under its lease); returns how many. */
export function pruneRateLimits(ctx: Pick<ServiceContext, "store" | "clock">): Promise<number> {
  return ctx.store.tx((tx) => pruneRateLimitWindows(tx, { now: ctx.clock(), windowMs: RATE_LIMIT_WINDOW_MS }));
}
