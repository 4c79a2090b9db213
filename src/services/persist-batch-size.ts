import { DEFAULT_BULK_CHUNK_SIZE } from "../crypto/signing-pool.js";

/**
 * With a time per write transaction (issueCredentials' `persistMs`): the credentials of the first transaction, before
 * any has been timed (three bulk signing chunks: 25 were signed as chunks of 8, 8, 8 and 1), and the fewest of any
 * (one chunk). Sizes are whole chunks.
 */
export const PERSIST_FIRST_ROWS = 3 * DEFAULT_BULK_CHUNK_SIZE;
export const PERSIST_MIN_ROWS = DEFAULT_BULK_CHUNK_SIZE;
/** How much larger than the previous one a transaction may be: a quick one does not promise a long run of them. */
export const PERSIST_GROWTH = 2;
/**
 * The last transactions whose paces size the next (their median): one slowed by what is not its own doing (a thread
 * that preempted it, a WAL checkpoint in its commit) does not shrink the next ones alone; two of three do.
 */
export const PERSIST_PACES = 3;

/** The rows of the next write transaction of a bulk issuance, and what it learns from timing one. */
export type PersistBatchSize = {
  next(): number;
  /** A transaction of `rows` held the write lock `ms` milliseconds (taken to committed). */
  timed(rows: number, ms: number): void;
};

/**
 * Fixed (`persistMs` undefined): `most` rows every time. Timed: as many rows as the last transactions' pace (the median
 * of the last PERSIST_PACES, rows per ms) fits in `persistMs`, in whole bulk chunks, from PERSIST_MIN_ROWS to `most`,
 * at most PERSIST_GROWTH times the last transaction's rows; PERSIST_FIRST_ROWS (at most `most`) at first. A
 * transaction's fixed cost makes a small one's pace slower, so the sizes settle where a transaction takes about
 * `persistMs`.
 */
export function persistBatchSize(most: number, persistMs?: number): PersistBatchSize {
  if (!Number.isInteger(most) || most < 1 || (persistMs !== undefined && !(persistMs > 0))) {
    throw new Error("a write batch needs a whole most ≥ 1 rows and a persistMs > 0");
  }
  if (persistMs === undefined) {
    return { next: () => most, timed: () => {} };
  }
  let rows = Math.min(most, PERSIST_FIRST_ROWS);
  const fitted: number[] = [];
  return {
    next: () => rows,
    timed(count, ms) {
      fitted.push((persistMs * count) / Math.max(ms, 0.001));
      if (fitted.length > PERSIST_PACES) {
        fitted.shift();
      }
      const fits = Math.min(PERSIST_GROWTH * count, medianOf(fitted));
      const chunks = Math.max(PERSIST_MIN_ROWS, Math.floor(fits / PERSIST_MIN_ROWS) * PERSIST_MIN_ROWS);
      rows = Math.min(most, chunks);
    },
  };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
