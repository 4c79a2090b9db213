export { humanDay, humanDayTime } from "../../domain/human-date.js";

/** A parsed instant, or undefined for a missing or unparseable date (credentials can carry anything). */
export function parseInstant(iso: string | undefined): Date | undefined {
  if (!iso) {
    return undefined;
  }
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
