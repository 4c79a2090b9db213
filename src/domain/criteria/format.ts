import { roundHalfUp } from "../numbers.js";
import type { Rule } from "./rule-schema.js";

/** Milliseconds since the epoch of an ISO 8601 date (NaN when unparseable). */
export function instant(iso: string): number {
  return Date.parse(iso);
}

/** An ISO 8601 instant as its UTC calendar date, YYYY-MM-DD. */
export function formatDate(iso: string): string {
  const ms = instant(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : iso;
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
