/**
 * Instants written as `Date.prototype.toISOString` writes them, from the day number by the civil calendar's arithmetic
 * (H. Hinnant's days-to-civil) instead of a Date: the console writes hundreds per page, and `toISOString` cost about
 * four times as much. Each is held equal to `toISOString` by test/unit/person-iso.test.ts and the list's day tests.
 */

export const MS_PER_DAY = 86_400_000;

/** Two digits. */
export function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01). */
export function civilOf(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The days of a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days-from-civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** An instant (epoch milliseconds) as `new Date(ms).toISOString()` writes it (by the arithmetic for years 1000-9999). */
export function isoOf(ms: number): string {
  if (!Number.isSafeInteger(ms)) {
    return new Date(ms).toISOString();
  }
  const days = Math.floor(ms / MS_PER_DAY);
  const { year, month, day } = civilOf(days);
  if (year < 1000 || year > 9999) {
    return new Date(ms).toISOString();
  }
  let t = ms - days * MS_PER_DAY;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const minute = t % 60;
  const hour = (t - minute) / 60;
  // one flat string made at once: a template of its fourteen parts is a rope, which its first reader (the criteria
  // engine parses every record's date) flattens into a copy
  return String.fromCharCode(
    48 + Math.floor(year / 1000),
    48 + (Math.floor(year / 100) % 10),
    48 + (Math.floor(year / 10) % 10),
    48 + (year % 10),
    45,
    48 + Math.floor(month / 10),
    48 + (month % 10),
    45,
    48 + Math.floor(day / 10),
    48 + (day % 10),
    84,
    48 + Math.floor(hour / 10),
    48 + (hour % 10),
    58,
    48 + Math.floor(minute / 10),
    48 + (minute % 10),
    58,
    48 + Math.floor(second / 10),
    48 + (second % 10),
    46,
    48 + Math.floor(milli / 100),
    48 + (Math.floor(milli / 10) % 10),
    48 + (milli % 10),
    90,
  );
}

/** The day of an instant as `new Date(ms).toISOString().slice(0, 10)` writes it (`days`: its day number). */
export function isoDayOf(ms: number, days: number): string {
  const { year, month, day } = civilOf(days);
  if (year < 0 || year > 9999) {
    return new Date(ms).toISOString().slice(0, 10);
  }
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}`;
}
