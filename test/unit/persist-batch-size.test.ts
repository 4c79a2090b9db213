import { describe, expect, it } from "vitest";
import { PERSIST_FIRST_ROWS, PERSIST_MIN_ROWS, persistBatchSize } from "../../src/services/persist-batch-size.js";

/** Times a run of transactions, each `fixedMs` plus `perRowMs` a row, and returns the sizes asked for. */
function sizesOf(size: ReturnType<typeof persistBatchSize>, runs: number, ms: (rows: number, i: number) => number) {
  const sizes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const rows = size.next();
    sizes.push(rows);
    size.timed(rows, ms(rows, i));
  }
  return sizes;
}

describe("the rows of a bulk issuance's write transactions", () => {
  it("without a time, the fixed count every time", () => {
    expect(sizesOf(persistBatchSize(25), 4, () => 100)).toEqual([25, 25, 25, 25]);
  });

  it("with one, settle where a transaction takes about that long, in whole signing chunks", () => {
    // 0.5 ms fixed + 0.05 ms a row: 3 ms fits 50 rows, in chunks of 8: 48
    const sizes = sizesOf(persistBatchSize(100, 3), 12, (rows) => 0.5 + 0.05 * rows);
    expect(sizes[0]).toBe(PERSIST_FIRST_ROWS);
    expect(sizes.slice(-4)).toEqual([48, 48, 48, 48]);
    for (const [i, rows] of sizes.entries()) {
      expect(rows % PERSIST_MIN_ROWS).toBe(0);
      expect(rows).toBeLessThanOrEqual(2 * (sizes[i - 1] ?? rows)); // grows at most twofold a step
    }
  });

  it("never above the most rows nor below one chunk, however quick or slow", () => {
    expect(sizesOf(persistBatchSize(100, 3), 10, () => 0.01).at(-1)).toBe(100);
    expect(sizesOf(persistBatchSize(30, 3), 10, () => 0.01).at(-1)).toBe(30); // the most, even if not whole chunks
    expect(sizesOf(persistBatchSize(100, 3), 10, () => 1000).at(-1)).toBe(PERSIST_MIN_ROWS);
    expect(persistBatchSize(5, 3).next()).toBe(5);
  });

  it("one slow transaction among quick ones does not shrink the next; two in a row do", () => {
    const quick = (rows: number) => 0.05 * rows;
    const one = sizesOf(persistBatchSize(100, 4), 10, (rows, i) => (i === 6 ? 200 : quick(rows)));
    expect(one.slice(6)).toEqual([one[5], one[5], one[5], one[5]]);
    const two = sizesOf(persistBatchSize(100, 4), 10, (rows, i) => (i === 6 || i === 7 ? 200 : quick(rows)));
    expect(two[8]).toBe(PERSIST_MIN_ROWS);
  });

  it("refuses a count or a time that is not one", () => {
    expect(() => persistBatchSize(0)).toThrow();
    expect(() => persistBatchSize(2.5)).toThrow();
    expect(() => persistBatchSize(25, 0)).toThrow();
    expect(() => persistBatchSize(25, Number.NaN)).toThrow();
  });
});
