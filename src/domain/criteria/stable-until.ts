import { type RenewalPolicy, windowsAround } from "../renewal.js";
import { DAY_MS } from "../time.js";
import { instant, monthsBefore } from "./format.js";
import type { Rule } from "./rule-schema.js";
import { childrenOf } from "./rules/context.js";
import type { Evidence, HeldCredential } from "./types.js";

/**
 * Until when a person's standing, judged at `now`, stays what it is: the earliest instant after `now` at which the
 * passing of time alone could change an outcome (a report, a status, a credential's state, a note), so that whatever
 * was worked out from it may be reused before then and never after. Time enters the judgement in four places only, and
 * each gives its instants:
 * - a record counts once it has happened (evaluate.ts: dated at or before now): each record's date;
 * - a credential is valid from `validFrom` and until `validUntil` (prerequisites, what is held, expired): both;
 * - a renewal window is open from its opening until its close (renewal.ts): the next opening or close of each policy;
 * - `withinMonths` counts records not before `monthsBefore(now, n)` (filters.ts), which moves with the time of day
 *   and jumps at each UTC midnight (the clamped month day): the next midnight, and within today the instant each
 *   record falls out of the window.
 * The answer may come early (an instant at which nothing changes after all), never late.
 */
export function stableUntil(input: {
  rules: readonly Rule[];
  renewals: readonly RenewalPolicy[];
  fiscalStartMonth: number;
  evidence: readonly Evidence[];
  held: readonly HeldCredential[];
  now: Date;
}): number {
  const nowMs = input.now.getTime();
  let until = Number.POSITIVE_INFINITY;
  const at = (ms: number) => {
    if (ms > nowMs && ms < until) {
      until = ms;
    }
  };
  const dates = input.evidence.map((e) => instant(e.occurredAt)).filter((ms) => Number.isFinite(ms));
  for (const ms of dates) {
    at(ms);
  }
  for (const h of input.held) {
    at(instant(h.validFrom));
    if (h.validUntil !== undefined) {
      at(instant(h.validUntil));
    }
  }
  for (const policy of input.renewals) {
    for (const w of windowsAround(policy, input.fiscalStartMonth, input.now, input.now)) {
      at(w.opens.getTime());
      at(w.closes.getTime());
    }
  }
  const months = new Set<number>();
  // every rule of each tree (walkRules without the ancestors it lists for each rule: not read here)
  const collect = (r: Rule): void => {
    if ("withinMonths" in r && typeof r.withinMonths === "number") {
      months.add(r.withinMonths);
    }
    for (const child of childrenOf(r)) {
      collect(child);
    }
  };
  for (const rule of input.rules) {
    collect(rule);
  }
  if (months.size > 0 && dates.length > 0) {
    const midnight = nowMs - (((nowMs % DAY_MS) + DAY_MS) % DAY_MS);
    at(midnight + DAY_MS);
    for (const n of months) {
      // today the cutoff is monthsBefore(midnight, n) plus the time of day: a record dated `ms` counts while the
      // time of day is at most ms - cutoff, and stops counting 1 ms later
      const cutoff = monthsBefore(new Date(midnight), n);
      for (const ms of dates) {
        const offset = ms - cutoff;
        if (offset >= 0 && offset < DAY_MS) {
          at(midnight + offset + 1);
        }
      }
    }
  }
  return until;
}
