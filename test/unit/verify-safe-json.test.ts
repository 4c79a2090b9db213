import { describe, expect, it } from "vitest";
import { nestsDeeperThan, parseJson } from "../../src/verify/safe-json.js";

describe("untrusted JSON", () => {
  it("refuses nesting deeper than the limit before parsing, counting only structure outside strings", () => {
    expect(parseJson(`${"[".repeat(65)}${"]".repeat(65)}`)).toMatchObject({ ok: false });
    expect(parseJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toMatchObject({ ok: true });
    expect(parseJson(JSON.stringify({ a: "[[[[[[[[".repeat(100), b: '\\"[[' }))).toMatchObject({ ok: true });
  });

  it("measures the depth of parsed values without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) {
      deep = { a: deep };
    }
    expect(nestsDeeperThan(deep, 64)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 64)).toBe(false);
  });
});
