/**
 * Text that application/x-www-form-urlencoded (URLSearchParams) writes as it is: ASCII letters and digits and `*-._`
 * only (everything else is percent-encoded, a space becomes `+`).
 */
const AS_IS = /^[A-Za-z0-9*._-]*$/;

/**
 * A console page's address with its query: every parameter that has a value, in the order given (filters first,
 * then the page's cursor), so that a link to the next page keeps the filters. The query is what URLSearchParams writes
 * (test/unit/console-href.test.ts); a list page makes one or two of these per view, and most values (certification
 * ids, states, base64url cursors) are written as they are, so only a query with another value goes through
 * URLSearchParams (an object, its pairs and their encoding, per link).
 */
export function consoleHref(path: string, params: Record<string, string | number | undefined>): string {
  let text = "";
  for (const key in params) {
    const value = params[key];
    if (value === undefined || value === "") {
      continue;
    }
    const written = String(value);
    if (!AS_IS.test(key) || !AS_IS.test(written)) {
      return slowHref(path, params);
    }
    text += text === "" ? `${key}=${written}` : `&${key}=${written}`;
  }
  return text ? `${path}?${text}` : path;
}

/** consoleHref through URLSearchParams (any value). */
function slowHref(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") {
      query.set(key, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
