import { describe, expect, it } from "vitest";
import { advanceCursor, LATE_COMMIT_MS, MAX_GAPS } from "../../src/domain/delivery/cursor.js";

describe("a delivery channel's cursor over the outbox", () => {
  it("moves past what it took and keeps each number it skipped as a gap, from when it was first missed", () => {
    const { cursor, givenUp } = advanceCursor({ afterSeq: 10, gaps: [] }, { fromGaps: [], fresh: [11, 14, 15, 18] }, 5);
    expect(cursor).toEqual({
      afterSeq: 18,
      gaps: [
        { from: 12, to: 13, since: 5 },
        { from: 16, to: 17, since: 5 },
      ],
    });
    expect(givenUp).toEqual([]);
  });

  it("closes what turned up in a gap and keeps the rest of it, with its first time", () => {
    const gaps = [{ from: 12, to: 16, since: 5 }];
    const { cursor } = advanceCursor({ afterSeq: 18, gaps }, { fromGaps: [14, 12], fresh: [19] }, 9);
    expect(cursor).toEqual({
      afterSeq: 19,
      gaps: [
        { from: 13, to: 13, since: 5 },
        { from: 15, to: 16, since: 5 },
      ],
    });
  });

  it("gives a gap up once it has been open for the late-commit window, not before", () => {
    const gaps = [{ from: 3, to: 3, since: 1000 }];
    expect(
      advanceCursor({ afterSeq: 9, gaps }, { fromGaps: [], fresh: [] }, 1000 + LATE_COMMIT_MS - 1).cursor.gaps,
    ).toEqual(gaps);
    const late = advanceCursor({ afterSeq: 9, gaps }, { fromGaps: [], fresh: [] }, 1000 + LATE_COMMIT_MS);
    expect(late).toEqual({ cursor: { afterSeq: 9, gaps: [] }, givenUp: gaps });
  });

  it("keeps at most MAX_GAPS gaps, giving the oldest up first", () => {
    const fresh = Array.from({ length: MAX_GAPS + 2 }, (_, i) => 2 * (i + 1));
    const old = [{ from: -5, to: -5, since: 1 }];
    const { cursor, givenUp } = advanceCursor({ afterSeq: 0, gaps: old }, { fromGaps: [], fresh }, 7);
    expect(cursor.gaps).toHaveLength(MAX_GAPS);
    expect(givenUp[0]).toEqual(old[0]);
    expect(givenUp).toHaveLength(3);
  });
});
