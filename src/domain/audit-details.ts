/** Detail keys that never leave the log in a page or an export, whatever wrote them (secrets, their hashes). */
const SECRET_KEY = /token|secret|hash/i;

/** An entry's details without any secret-looking key: what the console page and the CSV export show. */
export function shownDetails(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => !SECRET_KEY.test(key)));
}
