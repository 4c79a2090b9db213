/**
 * CSV for spreadsheets (RFC 4180: every cell quoted, CRLF line ends), safe to open: a cell that a spreadsheet would
 * read as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with an apostrophe, so it shows
 * as the text it is and never runs (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function csvRow(values: readonly string[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
