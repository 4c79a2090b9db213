/** One day in milliseconds (UTC days: no daylight saving in the arithmetic that uses it). */
export const DAY_MS = 86_400_000;
