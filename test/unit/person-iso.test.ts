import { describe, expect, it } from "vitest";
import { isoOf } from "../../src/domain/civil-date.js";

/** isoOf writes an instant exactly as toISOString does, whatever the instant. */
describe("isoOf", () => {
  it("is toISOString over day, month, year and leap-day edges and 200,000 random instants", () => {
    const edges = [
      0,
      -1,
      1,
      999,
      1000,
      86_399_999,
      86_400_000,
      -86_400_000,
      -62_135_596_800_000,
      -62_135_596_800_001,
      -30_610_224_000_000,
      -30_610_224_000_001,
      253_402_300_799_999,
      253_402_300_800_000,
      951_782_400_000,
      951_868_799_999,
      4_107_542_400_000,
      8.64e15,
      -8.64e15,
      1.5,
      Number.MAX_SAFE_INTEGER,
    ];
    for (const year of [1000, 1600, 1900, 1970, 2000, 2024, 2100, 2400, 9999]) {
      for (const [month, day] of [
        [1, 1],
        [2, 28],
        [2, 29],
        [3, 1],
        [12, 31],
      ] as const) {
        const ms = Date.UTC(year, month - 1, day);
        edges.push(ms, ms - 1, ms + 86_399_999);
      }
    }
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 200_000; i++) {
      edges.push(Math.floor((random() - 0.3) * 3e14));
    }
    for (const ms of edges) {
      if (Math.abs(ms) <= 8.64e15) {
        expect(isoOf(ms), String(ms)).toBe(new Date(ms).toISOString());
      }
    }
  });
});
