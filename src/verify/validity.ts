import { humanDayTime } from "../domain/human-date.js";
import type { Check } from "./report.js";

const check = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "validity",
  outcome,
  title: "Validity period",
  message,
  code,
});

/** "2 March 2026 at 09:30 UTC": the house style for dates people read, unambiguous in every locale. */
const formatInstant = humanDayTime;

export function parseInstant(value: unknown): Date | "invalid" | undefined {
  if (value === undefined) {
    return undefined;
  }
  // RFC 3339 date-time with a zone; a bare date or a number is refused rather than guessed
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
    return "invalid";
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "invalid" : date;
}

/** JWT NumericDate seconds as a Date; "invalid" for anything else, including times a Date cannot hold. */
export function dateFromSeconds(value: unknown): Date | "invalid" | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > 8.64e12) {
    return "invalid";
  }
  return new Date(value * 1000);
}

/** The token's own `nbf`/`exp` (seconds), which bound the period too. */
export type TokenTimes = { nbf?: unknown; exp?: unknown };

/**
 * The validity window against the injected clock: `validFrom`/`validUntil` (VC 2.0), `issuanceDate`/`expirationDate`
 * (VC 1.1), narrowed by a VC-JWT's `nbf`/`exp`.
 */
export function checkValidity(credential: Record<string, unknown>, now: Date, token: TokenTimes = {}): Check {
  const fromName = credential.validFrom !== undefined ? "validFrom" : "issuanceDate";
  const untilName = credential.validUntil !== undefined ? "validUntil" : "expirationDate";
  const from = parseInstant(credential[fromName]);
  const until = parseInstant(credential[untilName]);
  if (from === "invalid" || until === "invalid") {
    const bad = from === "invalid" ? fromName : untilName;
    return check("failed", "bad-date", `The credential's ${bad} is not a valid date and time.`);
  }
  const nbf = dateFromSeconds(token.nbf);
  const exp = dateFromSeconds(token.exp);
  if (nbf === "invalid" || exp === "invalid") {
    return check("failed", "bad-date", `The token's ${nbf === "invalid" ? "nbf" : "exp"} is not a valid time.`);
  }
  const starts = [from, nbf].filter((d): d is Date => d !== undefined);
  const ends = [until, exp].filter((d): d is Date => d !== undefined);
  const start = starts.length > 0 ? new Date(Math.max(...starts.map((d) => d.getTime()))) : undefined;
  const end = ends.length > 0 ? new Date(Math.min(...ends.map((d) => d.getTime()))) : undefined;
  if (!start && !end) {
    return check("not-checked", "no-dates", "The credential states no validity period.");
  }
  if (start && now < start) {
    return check(
      "failed",
      "not-yet-valid",
      `The credential is not valid yet: it takes effect on ${formatInstant(start)}.`,
    );
  }
  if (end && now > end) {
    return check("failed", "expired", `The credential expired on ${formatInstant(end)}.`);
  }
  const since = start ? `Valid since ${formatInstant(start)}` : "Valid";
  return check("passed", "in-period", end ? `${since}, until ${formatInstant(end)}.` : `${since}; it does not expire.`);
}
