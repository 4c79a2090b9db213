import { csvLine } from "./csv-write.js";
import type { RowError } from "./records.js";

/**
 * The results file of a bulk job (issue 17): one line per data row of the input file, in the input's order, saying
 * what became of it. CSV (`RESULTS_HEADER`; every cell that looks like a formula neutralised, so opening the file in a
 * spreadsheet runs nothing) or JSON (the same values, as they are).
 */

/** What became of a row: done (`issued`, `recorded`), not done (`duplicate`, `skipped`, `failed`, `cancelled`), not
 * yet (`pending`), or what a dry run would do (`would-issue`, `would-record`). */
export type RowOutcome =
  | "issued"
  | "recorded"
  | "duplicate"
  | "skipped"
  | "failed"
  | "cancelled"
  | "pending"
  | "would-issue"
  | "would-record"
  | "pending-approval";

export type ResultRow = {
  line: number;
  externalId: string | null;
  outcome: RowOutcome;
  /** The credentials the row issued (awards: one; evidence: whatever its record completed). */
  credentials?: readonly { id: string; url: string }[];
  error?: RowError | null;
};

export const RESULTS_HEADER = ["line", "externalId", "outcome", "credentialId", "credentialUrl", "error"] as const;

/** The error as one cell: `column: reason`, or the reason alone when it concerns the whole row. */
export function errorText(error: RowError | null | undefined): string {
  if (!error) {
    return "";
  }
  return error.column ? `${error.column}: ${error.reason}` : error.reason;
}

/** The CSV header line. */
export function resultsCsvHeader(): string {
  return csvLine(RESULTS_HEADER);
}

/** One row's CSV line. Several credentials of one row are in the same cells, separated by spaces. */
export function resultCsvLine(row: ResultRow): string {
  const credentials = row.credentials ?? [];
  return csvLine([
    row.line,
    row.externalId,
    row.outcome,
    credentials.map((c) => c.id).join(" "),
    credentials.map((c) => c.url).join(" "),
    errorText(row.error),
  ]);
}

/** The CSV results file, line by line (header first), for a route or CLI to stream. */
export function* resultsCsvLines(rows: Iterable<ResultRow>): Generator<string> {
  yield resultsCsvHeader();
  for (const row of rows) {
    yield resultCsvLine(row);
  }
}

export function resultsCsv(rows: Iterable<ResultRow>): string {
  return [...resultsCsvLines(rows)].join("");
}

/** One row of the JSON results file. */
export type ResultJson = {
  line: number;
  externalId: string | null;
  outcome: RowOutcome;
  credentials: { id: string; url: string }[];
  error: RowError | null;
};

export function resultJson(row: ResultRow): ResultJson {
  return {
    line: row.line,
    externalId: row.externalId,
    outcome: row.outcome,
    credentials: (row.credentials ?? []).map((c) => ({ id: c.id, url: c.url })),
    error: row.error ?? null,
  };
}

/** The JSON results file: `{ results: [...] }` with one entry per input row. */
export function resultsJson(rows: Iterable<ResultRow>): { results: ResultJson[] } {
  return { results: [...rows].map(resultJson) };
}
