import { eq, lt, lte, sql } from "drizzle-orm";
import type { Tx } from "./store.js";

export type RateLimitWindow = { windowStart: Date; hits: number };

/**
 * Counts one hit of `key` in its fixed window and returns the window: one upsert, so every node counts into the same
 * row. A window that started `windowMs` or more before `now` is over: the hit starts a new one.
 */
export async function hitRateLimitWindow(
  tx: Tx,
  hit: { key: string; now: Date; windowMs: number },
): Promise<RateLimitWindow> {
  const { rateLimitWindows: w } = tx.t;
  const over = lte(w.windowStart, new Date(hit.now.getTime() - hit.windowMs));
  const [row] = await tx
    .insert(w)
    .values({ key: hit.key, windowStart: hit.now, hits: 1 })
    .onConflictDoUpdate({
      target: w.key,
      // Both read the row as it was before this update (SQL evaluates every SET against the old row).
      set: {
        windowStart: sql`case when ${over} then excluded.window_start else ${w.windowStart} end`,
        hits: sql`case when ${over} then 1 else ${w.hits} + 1 end`,
      },
    })
    .returning({ windowStart: w.windowStart, hits: w.hits });
  if (!row) {
    throw new Error("the rate-limit upsert returned no row");
  }
  return row;
}

/** Takes one hit back from `key`'s current window (a request the limiter was told not to count). */
export async function unhitRateLimitWindow(tx: Tx, key: string): Promise<void> {
  const { rateLimitWindows: w } = tx.t;
  await tx
    .update(w)
    .set({ hits: sql`case when ${w.hits} > 0 then ${w.hits} - 1 else 0 end` })
    .where(eq(w.key, key));
}

/** Forgets `key`'s window. */
export async function resetRateLimitWindow(tx: Tx, key: string): Promise<void> {
  const { rateLimitWindows: w } = tx.t;
  await tx.delete(w).where(eq(w.key, key));
}

/** Deletes the windows that ended before `now` (started `windowMs` or more ago); returns how many. */
export async function pruneRateLimitWindows(tx: Tx, input: { now: Date; windowMs: number }): Promise<number> {
  const { rateLimitWindows: w } = tx.t;
  const deleted = await tx
    .delete(w)
    .where(lt(w.windowStart, new Date(input.now.getTime() - input.windowMs)))
    .returning({ key: w.key });
  return deleted.length;
}
