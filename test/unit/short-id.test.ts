import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromShortCode, SHORT_CODE_LENGTH, toShortCode } from "../../src/domain/short-id.js";

describe("short credential codes", () => {
  it("writes a UUID as 22 base58 characters and reads it back, lower-cased", () => {
    const uuid = "0B4F8A9E-5C1D-4F3E-9A7B-2C6D8E1F0A3B";
    const code = toShortCode(uuid);
    expect(code).toHaveLength(SHORT_CODE_LENGTH);
    expect(code).toMatch(/^[1-9A-HJ-NP-Za-km-z]+$/);
    expect(fromShortCode(code)).toBe(uuid.toLowerCase());
  });

  it("round-trips the extremes and any UUID", () => {
    expect(toShortCode("00000000-0000-0000-0000-000000000000")).toBe("1".repeat(22));
    const max = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    expect(fromShortCode(toShortCode(max))).toBe(max);
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(fromShortCode(toShortCode(uuid))).toBe(uuid);
      }),
    );
    for (let i = 0; i < 100; i++) {
      const uuid = randomUUID();
      expect(fromShortCode(toShortCode(uuid))).toBe(uuid);
    }
  });

  it("gives distinct UUIDs distinct codes", () => {
    const a = toShortCode("0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b");
    const b = toShortCode("0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3c");
    expect(a).not.toBe(b);
  });

  it.each([
    ["too short", "1".repeat(21)],
    ["too long", "1".repeat(23)],
    ["0 is not in the alphabet", `0${"1".repeat(21)}`],
    ["l is not in the alphabet", `l${"1".repeat(21)}`],
    ["punctuation", `-${"1".repeat(21)}`],
    ["beyond 128 bits", "z".repeat(22)],
    ["empty", ""],
  ])("rejects %s", (_why, code) => {
    expect(fromShortCode(code)).toBeUndefined();
  });

  it("refuses to encode what is not a UUID", () => {
    expect(() => toShortCode("not-a-uuid")).toThrow(TypeError);
    expect(() => toShortCode("0b4f8a9e5c1d4f3e9a7b2c6d8e1f0a3b")).toThrow(TypeError);
  });
});
