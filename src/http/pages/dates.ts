/** Dates as people read them ("2 March 2026"), in UTC so every visitor sees the day the credential states. */
const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const DAY_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** A parsed instant, or undefined for a missing or unparseable date (credentials can carry anything). */
export function parseInstant(iso: string | undefined): Date | undefined {
  if (!iso) {
    return undefined;
  }
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

export function humanDay(date: Date): string {
  return DAY.format(date);
}

export function humanDayTime(date: Date): string {
  return DAY_TIME.format(date);
}
