import { daysFromCivil, daysInMonth } from "../civil-date.js";
import { roundHalfUp } from "../numbers.js";
import type { Rule } from "./rule-schema.js";

/** Milliseconds since the epoch of an ISO 8601 date (NaN when unparseable): `Date.parse`'s answer. */
export function instant(iso: string): number {
  return canonicalMs(iso) ?? Date.parse(iso);
}

/** An ISO 8601 instant as its UTC calendar date, YYYY-MM-DD. */
export function formatDate(iso: string): string {
  // an instant as toISOString writes it is its own date's text
  if (canonicalMs(iso) !== undefined) {
    return iso.slice(0, 10);
  }
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : iso;
}

/**
 * The instant of a text written exactly as `Date.prototype.toISOString` writes one of the years 0000–9999
 * ("2026-03-02T09:30:00.000Z": a real day of its month, hours 00–23), by the civil calendar's arithmetic; undefined for
 * any other text (left to Date.parse). Records' dates are written so, and a person's page reads each of them several
 * times per certification: Date.parse cost more than the rules that read them. Held equal to Date.parse by
 * test/unit/criteria-instant.test.ts.
 */
function canonicalMs(iso: string): number | undefined {
  if (
    iso.length !== 24 ||
    iso.charCodeAt(4) !== 45 ||
    iso.charCodeAt(7) !== 45 ||
    iso.charCodeAt(10) !== 84 ||
    iso.charCodeAt(13) !== 58 ||
    iso.charCodeAt(16) !== 58 ||
    iso.charCodeAt(19) !== 46 ||
    iso.charCodeAt(23) !== 90
  ) {
    return undefined;
  }
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  const hour = digits(iso, 11, 2);
  const minute = digits(iso, 14, 2);
  const second = digits(iso, 17, 2);
  const milli = digits(iso, 20, 3);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    milli < 0
  ) {
    return undefined;
  }
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

/** The number written by `count` decimal digits of `text` from `from`; -1 when one is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      return -1;
    }
    value = value * 10 + digit;
  }
  return value;
}

/**
 * "delivery acme-2026-10 of gitlab-basics-training-survey": a delivery id means something only with the form it was
 * rated on (two courses' deliveries may share an id), so intake and progress always name both.
 */
export function deliveryName(delivery: string, forms: readonly string[]): string {
  return `delivery ${delivery} of ${forms.join(" or ")}`;
}

/**
 * A measured value (score, average) rounded half up to two decimals, by the one rule credentials use too
 * (roundHalfUp), without trailing zeros: 3.666… → "3.67", 86 → "86".
 */
export function formatMeasured(value: number): string {
  return String(Number(roundHalfUp(value, 2)));
}

/**
 * A measured value compared with `threshold`, in words that never read as reaching it when it does not: 3.996
 * against a minimum of 4 rounds to "4", so it reads "just under 4".
 */
export function formatShortOf(value: number, threshold: number): string {
  const words = formatMeasured(value);
  return value < threshold && Number(words) >= threshold ? `just under ${formatMeasured(threshold)}` : words;
}

/** The instant `months` calendar months before `now` (UTC), clamped to the month's last day (Mar 31 − 1 → Feb 28). */
export function monthsBefore(now: Date, months: number): number {
  const target = new Date(now.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(now.getUTCDate(), lastDay));
  return target.getTime();
}

/** "1 form" / "2 forms". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A rule's label for reports: its own `label`, or one generated from its data ("Assessment gitlab-associate-written"). */
export function labelOf(rule: Rule): string {
  if (rule.label !== undefined) {
    return rule.label;
  }
  switch (rule.type) {
    case "all":
      return `All of ${criteria(rule.of.length)}`;
    case "any":
      return `Any of ${criteria(rule.of.length)}`;
    case "atLeast":
      return `At least ${rule.n} of ${criteria(rule.of.length)}`;
    case "assessment":
      return `Assessment ${rule.assessment}`;
    case "completion": {
      const words = rule.completion.replaceAll("-", " ");
      const mode = rule.mode === undefined ? "" : ` (${rule.mode})`;
      return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${rule.item}${mode}`;
    }
    case "rating":
      return `Rating on ${rule.forms.join(", ")}`;
    case "prerequisite":
      return `Certification ${rule.certification}`;
  }
}

function criteria(count: number): string {
  return count === 1 ? "1 criterion" : `${count} criteria`;
}
