/**
 * The one way dates are written for people, on every public page, certificate, share card and evidence narrative:
 * "2 March 2026", and with a time "2 March 2026 at 09:30 UTC". Always in UTC, so every reader sees the day the
 * credential states, whatever their time zone.
 */
const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** Days already written, by UTC day number (formatting is the slow part of a page view's dates); bounded. */
const DAYS = new Map<number, string>();
const MS_PER_DAY = 86_400_000;

/** "2 March 2026". */
export function humanDay(date: Date): string {
  const time = date.getTime();
  const day = Math.floor(time / MS_PER_DAY);
  let text = DAYS.get(day);
  if (text === undefined) {
    text = DAY.format(date);
    if (Number.isFinite(time)) {
      if (DAYS.size >= 4096) {
        DAYS.clear();
      }
      DAYS.set(day, text);
    }
  }
  return text;
}

/** "2 March 2026 at 09:30 UTC". */
export function humanDayTime(date: Date): string {
  const time = date.toISOString().slice(11, 16);
  return `${humanDay(date)} at ${time} UTC`;
}

/** An ISO 8601 instant as "2 March 2026", or the text as it is when it is not one. */
export function humanDayOf(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? humanDay(new Date(ms)) : iso;
}

/** A parsed instant, or undefined for a missing or unparseable date (credentials can carry anything). */
export function parseInstant(iso: string | undefined): Date | undefined {
  if (!iso) {
    return undefined;
  }
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
