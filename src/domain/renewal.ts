import type { HeldCredential } from "./criteria/types.js";
import { DAY_MS } from "./time.js";

/**
 * Recertification in fixed windows (seed 002: "recertified every six months, in early Q1 and again in early Q3").
 * A window opens on the first day of each listed fiscal quarter (UTC) and stays open `windowDays` days.
 * A credential is valid until the close of the first window that opens after it was issued, so everyone
 * certified between two windows renews in the next one, and a renewal made inside a window lasts until the
 * following window closes.
 */
export type RenewalPolicy = { fiscalQuarters: number[]; windowDays: number };

export type RenewalWindow = {
  opens: Date;
  closes: Date;
  /** Fiscal year named by the calendar year it ends in (FY27 = Feb 2026 to Jan 2027 with a February start). */
  fiscalYear: number;
  quarter: number;
};

function windowFor(policy: RenewalPolicy, fiscalStartMonth: number, fyStartYear: number, quarter: number) {
  const opens = new Date(Date.UTC(fyStartYear, fiscalStartMonth - 1 + 3 * (quarter - 1), 1));
  const fiscalYear = fiscalStartMonth === 1 ? fyStartYear : fyStartYear + 1;
  return { opens, closes: new Date(opens.getTime() + policy.windowDays * DAY_MS), fiscalYear, quarter };
}

/** Windows whose opening falls in [from - 1 year, to + 1 year], oldest first. */
export function windowsAround(policy: RenewalPolicy, fiscalStartMonth: number, from: Date, to: Date): RenewalWindow[] {
  const windows: RenewalWindow[] = [];
  for (let year = from.getUTCFullYear() - 2; year <= to.getUTCFullYear() + 1; year++) {
    for (const quarter of policy.fiscalQuarters) {
      windows.push(windowFor(policy, fiscalStartMonth, year, quarter));
    }
  }
  return windows.sort((a, b) => a.opens.getTime() - b.opens.getTime());
}

/** The first window that opens strictly after `at`. */
export function nextWindowAfter(policy: RenewalPolicy, fiscalStartMonth: number, at: Date): RenewalWindow {
  const found = windowsAround(policy, fiscalStartMonth, at, at).find((w) => w.opens.getTime() > at.getTime());
  if (!found) {
    throw new Error("no renewal window within a year: the policy lists no quarters");
  }
  return found;
}

/** The window open at `at` (opens ≤ at < closes), if any. */
export function windowOpenAt(policy: RenewalPolicy, fiscalStartMonth: number, at: Date): RenewalWindow | undefined {
  const t = at.getTime();
  return windowsAround(policy, fiscalStartMonth, at, at).find((w) => w.opens.getTime() <= t && t < w.closes.getTime());
}

/** The window in which a credential valid until `validUntil` falls due (the one that closes at its expiry). */
export function windowDueAt(policy: RenewalPolicy, fiscalStartMonth: number, validUntil: Date): RenewalWindow {
  const t = validUntil.getTime();
  const windows = windowsAround(policy, fiscalStartMonth, validUntil, validUntil);
  const due = windows.filter((w) => w.opens.getTime() < t).at(-1);
  if (!due) {
    throw new Error("no renewal window before the expiry");
  }
  return due;
}

/** validUntil under a renewal policy: the close of the first window opening after `validFrom`. */
export function renewalValidUntil(policy: RenewalPolicy, fiscalStartMonth: number, validFrom: Date): Date {
  return nextWindowAfter(policy, fiscalStartMonth, validFrom).closes;
}

/**
 * How an award of a certification relates to what the person held before:
 * - `first`: never held it; every piece of evidence counts.
 * - `held`: holds a valid one that is not due (or is suspended): nothing to award.
 * - `renewal`: holds a valid one that falls due in the window open now: a new credential supersedes it and keeps
 *   its awardedDate; only assessments taken since the window opened count (the assessment is refreshed each cycle).
 * - `reaward`: the last one lapsed or was revoked: a fresh award, counting only assessments taken since
 *   `assessmentsFrom` (the opening of the window it fell due in, or its issue), never the ones it was awarded on.
 */
export type AwardBasis =
  | { kind: "first" }
  | { kind: "held"; credentialId: string }
  | { kind: "renewal"; supersedes: string; window: RenewalWindow; assessmentsFrom: Date }
  | { kind: "reaward"; previous: string; assessmentsFrom: Date };

export function awardBasis(input: {
  certification: string;
  renewal?: RenewalPolicy;
  fiscalStartMonth: number;
  held: HeldCredential[];
  now: Date;
}): AwardBasis {
  const t = input.now.getTime();
  const mine = input.held
    .filter((h) => h.certification === input.certification)
    .sort((a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom));
  const current = mine.filter(
    (h) =>
      h.status !== "revoked" &&
      Date.parse(h.validFrom) <= t &&
      (h.validUntil === undefined || t < Date.parse(h.validUntil)),
  );
  const active = current.filter((h) => h.status === "active");
  const latestActive = active.at(-1);
  if (latestActive) {
    const window = input.renewal ? windowOpenAt(input.renewal, input.fiscalStartMonth, input.now) : undefined;
    const due =
      window !== undefined &&
      active.length === 1 &&
      latestActive.validUntil !== undefined &&
      Date.parse(latestActive.validUntil) <= window.closes.getTime();
    if (due) {
      return { kind: "renewal", supersedes: latestActive.credentialId, window, assessmentsFrom: window.opens };
    }
    return { kind: "held", credentialId: latestActive.credentialId };
  }
  const suspended = current.at(-1);
  if (suspended) {
    return { kind: "held", credentialId: suspended.credentialId };
  }
  const last = mine.at(-1);
  if (!last) {
    return { kind: "first" };
  }
  const lapsedWindow =
    input.renewal && last.status !== "revoked" && last.validUntil !== undefined
      ? windowDueAt(input.renewal, input.fiscalStartMonth, new Date(last.validUntil))
      : undefined;
  return {
    kind: "reaward",
    previous: last.credentialId,
    assessmentsFrom: lapsedWindow?.opens ?? new Date(last.validFrom),
  };
}
