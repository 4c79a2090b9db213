/**
 * Writing CSV that a spreadsheet opens safely (the results and template files of bulk jobs): RFC 4180 quoting, CRLF
 * line ends, and OWASP's advice against CSV injection — a cell a spreadsheet would run as a formula is prefixed with
 * `'` (and quoted), so it shows as the text it is.
 */

const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r"]);

/** What a spreadsheet would run as a formula: its first character, or its first after leading spaces, is one of
 * `= + - @`, a tab or a carriage return (OWASP's CSV injection list). */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.has(text.charAt(0)) || FORMULA_START.has(text.trimStart().charAt(0));
}

/** One cell: neutralised if it looks like a formula, quoted if it holds a quote, comma or line end. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (typeof value === "number") {
    return String(value);
  }
  const text = looksLikeFormula(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== value ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line, with its CRLF end. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
