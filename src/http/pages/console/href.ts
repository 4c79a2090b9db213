/**
 * A console page's address with its query: every parameter that has a value, in the order given (filters first,
 * then the page's cursor), so that a link to the next page keeps the filters.
 */
export function consoleHref(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") {
      query.set(key, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
