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
    // the limit counts objects and arrays alike, the outermost at 1, primitives never; as parseJson counts the text
    for (const depth of [1, 2, 63, 64, 65, 66]) {
      const text = `${'[{"a":'.repeat(depth)}0${"}]".repeat(depth)}`;
      const value = JSON.parse(text) as unknown;
      for (const max of [1, 2, 64, 65, 128]) {
        const expected = 2 * depth > max;
        expect(nestsDeeperThan(value, max), `${depth} ${max}`).toBe(expected);
        expect(parseJson(text, max).ok, `${depth} ${max}`).toBe(!expected);
      }
    }
    expect(nestsDeeperThan(3, 0)).toBe(false);
    expect(nestsDeeperThan([[], {}, [1, "x", 3]], 2)).toBe(false);
    expect(nestsDeeperThan([[], {}, [1, [], 3]], 2)).toBe(true);
  });

  it("refuses a reserved key however the text spells it, and walks no value whose text cannot name one", () => {
    for (const text of [
      '{"a":{"b":[{"__proto__":{"x":1}}]}}',
      '{"a":[1,{"constructor":{}}]}',
      '{"prototype":2}',
      '{"a":{"\\u0063onstructor":1}}',
      '{"a":{"__pro\\u0074o__":1}}',
      '{"x":"\\\\","constructor":1}',
    ]) {
      expect(parseJson(text), text).toMatchObject({ ok: false });
    }
    for (const text of [
      '{"a":"the \\"constructor\\" of it","b":"prototype","c":"__proto__"}',
      '{"a":"\\u00e9","constructors":1,"xprototype":2}',
      JSON.stringify({ name: "Zoë", words: ["constructor", "prototype", "__proto__"] }),
    ]) {
      expect(parseJson(text), text).toMatchObject({ ok: true, value: JSON.parse(text) });
    }
  });
});
