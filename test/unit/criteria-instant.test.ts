import { describe, expect, it } from "vitest";
import { formatDate, instant } from "../../src/domain/criteria/format.js";

/** The criteria engine's dates: `instant` is Date.parse, `formatDate` the UTC day of Date.parse's instant, whatever the text. */
function formatDateByDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : iso;
}

/** A small deterministic generator (no Math.random: the same cases on every run). */
function* numbers(seed: number, count: number): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield x / 2_147_483_648;
  }
}

describe("the criteria engine's instants", () => {
  it("read every instant toISOString writes (years 0000-9999) as Date.parse does, and its day as its first ten characters", () => {
    const low = Date.parse("0000-01-01T00:00:00.000Z");
    const high = Date.parse("9999-12-31T23:59:59.999Z");
    const cases = [low, high, 0, -1, 951_782_400_000, 1_709_164_800_000, 4_107_542_399_999];
    for (const r of numbers(7, 20_000)) {
      cases.push(Math.floor(low + r * (high - low)));
    }
    for (const ms of cases) {
      const iso = new Date(ms).toISOString();
      expect(instant(iso), iso).toBe(ms);
      expect(formatDate(iso), iso).toBe(iso.slice(0, 10));
    }
  });

  it("read any other text as Date.parse does: days past their month's end, hour 24, other forms, garbage", () => {
    const texts = [
      "2026-02-30T00:00:00.000Z",
      "2026-04-31T12:00:00.000Z",
      "2023-02-29T00:00:00.000Z",
      "2024-02-29T00:00:00.000Z",
      "1900-02-29T00:00:00.000Z",
      "2000-02-29T00:00:00.000Z",
      "2026-02-28T24:00:00.000Z",
      "2026-13-01T00:00:00.000Z",
      "2026-00-01T00:00:00.000Z",
      "2026-01-00T00:00:00.000Z",
      "2026-01-01T00:60:00.000Z",
      "2026-01-01T00:00:60.000Z",
      "2026-01-01T00:00:00.000+01:00",
      "2026-01-01T00:00:00Z",
      "2026-01-01",
      "2026-1-01T00:00:00.000Z",
      "+002026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.00aZ",
      "2026-01-01t00:00:00.000Z",
      "2026-01-01T00:00:00.000z",
      "20a6-01-01T00:00:00.000Z",
      " 2026-01-01T00:00:00.000",
      "",
      "not a date at all, 24 c",
    ];
    const digitsOf = "0123456789";
    for (const [i, r] of [...numbers(11, 4_000)].entries()) {
      // canonical-looking texts with random digits: invalid months, days, hours among them
      const pick = (k: number) => digitsOf[Math.floor(((r * 10 ** (k + 2)) % 1) * 10)] as string;
      const text = `${pick(1)}${pick(2)}${pick(3)}${pick(4)}-${i % 2 ? "0" : "1"}${pick(5)}-${pick(6)}${pick(7)}T${pick(8)}${pick(9)}:${pick(10)}${pick(11)}:${pick(12)}${pick(13)}.${pick(3)}${pick(5)}${pick(7)}Z`;
      texts.push(text);
    }
    for (const text of texts) {
      expect(Object.is(instant(text), Date.parse(text)), text).toBe(true);
      expect(formatDate(text), text).toBe(formatDateByDate(text));
    }
  });
});
