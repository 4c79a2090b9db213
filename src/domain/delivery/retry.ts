/**
 * The retry schedule every delivery channel shares (e-mail, webhooks): exponential backoff with jitter, over a
 * horizon. After n failed attempts the next waits base · 2^(n−1), capped, of which half is fixed and half drawn at
 * random ("equal jitter": retries of many messages that failed together spread out, none comes sooner than half its
 * step). A message whose next attempt would fall beyond the horizon (counted from when its run of attempts began) is
 * given up: failed.
 */
export type RetryPolicy = { firstDelayMs: number; maxDelayMs: number; horizonMs: number };

/** 30 s, 1 min, 2 min, … doubling up to 6 h between attempts. */
export const RETRY_FIRST_DELAY_MS = 30_000;
export const RETRY_MAX_DELAY_MS = 6 * 60 * 60 * 1000;

export function retryPolicy(horizonHours: number): RetryPolicy {
  return { firstDelayMs: RETRY_FIRST_DELAY_MS, maxDelayMs: RETRY_MAX_DELAY_MS, horizonMs: horizonHours * 3_600_000 };
}

/** The wait after `failedAttempts` (≥ 1) failures; `random` is uniform in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 30));
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random, 0), 1));
}

/** When to try again after a temporary failure at `now`, or undefined: the horizon is reached, give up. */
export function nextAttemptAt(
  policy: RetryPolicy,
  input: { now: Date; scheduledAt: Date; failedAttempts: number; random: number },
): Date | undefined {
  const next = input.now.getTime() + retryDelayMs(policy, input.failedAttempts, input.random);
  return next < input.scheduledAt.getTime() + policy.horizonMs ? new Date(next) : undefined;
}
