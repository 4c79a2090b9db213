import { describe, expect, it } from "vitest";
import { findReservedKey } from "../../src/domain/reserved-keys.js";
import { credentialInput } from "../../src/services/verify-credential.js";
import { holdsMoreValuesThan, nestsDeeperThan, parseJson, readJsonData } from "../../src/verify/safe-json.js";

describe("untrusted JSON", () => {
  it("refuses nesting deeper than the limit before parsing, counting only structure outside strings", () => {
    expect(parseJson(`${"[".repeat(65)}${"]".repeat(65)}`)).toMatchObject({ ok: false });
    expect(parseJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toMatchObject({ ok: true });
    expect(parseJson(JSON.stringify({ a: "[[[[[[[[".repeat(100), b: '\\"[[' }))).toMatchObject({ ok: true });
  });

  it("counts the depth of any text as a character-by-character reading does, escapes and open strings included", () => {
    // the reference: every character read, a backslash in a string skipping the next one
    const reference = (text: string): number => {
      let depth = 0;
      let deepest = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === "\\") {
            i++;
          } else if (c === '"') {
            inString = false;
          }
        } else if (c === '"') {
          inString = true;
        } else if (c === "[" || c === "{") {
          depth++;
          deepest = Math.max(deepest, depth);
        } else if (c === "]" || c === "}") {
          depth--;
        }
      }
      return deepest;
    };
    const alphabet = ['"', "\\", "[", "]", "{", "}", "a", ",", ":"];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let t = 0; t < 5_000; t++) {
      let text = "";
      for (let k = random(24); k > 0; k--) {
        text += alphabet[random(alphabet.length)];
      }
      for (const max of [0, 1, 2, 3]) {
        const refused = parseJson(text, max);
        const deep = !refused.ok && refused.reason.startsWith("it nests deeper");
        expect(deep, `${JSON.stringify(text)} ${max}`).toBe(reference(text) > max);
      }
    }
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

  it("tells JSON data as JSON.parse makes it from anything its JSON text cannot stand for, and its depth alike", () => {
    const text = '{"a":[1,-2.5,1e300,"x",true,false,null,{"b":[]}],"__proto__":{"c":"d"},"10":{}}';
    expect(readJsonData(JSON.parse(text) as object, 64)).toBe("json");
    expect(credentialInput(JSON.parse(text) as Record<string, unknown>, "f")).toEqual({
      kind: "text",
      text: JSON.stringify(JSON.parse(text)),
      parsed: JSON.parse(text),
    });
    class Thing {
      a = 1;
    }
    const others: unknown[] = [
      new Date(0),
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      10n,
      () => 1,
      Symbol("s"),
      new Thing(),
      Object.create(null),
      new Map(),
      new Uint8Array(2),
      Object.assign(new Array(3), { 0: 1, 2: 3 }), // a hole
    ];
    for (const other of others) {
      for (const value of [{ a: { b: [other] } }, { a: other }]) {
        expect(readJsonData(value, 64), String(typeof other)).toBe("other");
        if (typeof other !== "bigint") {
          // (JSON.stringify throws on a BigInt, with or without this)
          expect(credentialInput(value as Record<string, unknown>, "f")).not.toHaveProperty("parsed");
        }
      }
    }
    expect(readJsonData(Object.create(null), 64)).toBe("other");
    for (const depth of [1, 2, 63, 64, 65, 66]) {
      const value = JSON.parse(`${'[{"a":'.repeat(depth)}0${"}]".repeat(depth)}`) as object;
      for (const max of [1, 2, 64, 65, 128]) {
        expect(readJsonData(value, max) === "too-deep", `${depth} ${max}`).toBe(nestsDeeperThan(value, max));
        expect(readJsonData({ x: new Date(0), y: value }, max) === "too-deep").toBe(nestsDeeperThan(value, max - 1));
      }
    }
  });
});

describe("walks over parsed values", () => {
  it("count every value, primitives and containers alike, as a walk stacking each of them would", () => {
    const reference = (value: unknown): number => {
      const stack: unknown[] = [value];
      let count = 0;
      while (stack.length > 0) {
        const current = stack.pop();
        count += 1;
        if (typeof current === "object" && current !== null) {
          stack.push(...Object.values(current));
        }
      }
      return count;
    };
    const values: unknown[] = [
      7,
      "x",
      null,
      [],
      {},
      { a: [1, "2", null, { b: [true, [[]]] }], c: {} },
      Object.assign(new Array(5), { 1: "one", 3: [2] }),
      JSON.parse('{"@context":["a","b"],"proof":[{"type":"x"},{"type":"y","n":[1,2,3]}]}'),
    ];
    for (const value of values) {
      const total = reference(value);
      for (let max = 0; max <= total + 1; max++) {
        expect(holdsMoreValuesThan(value, max), `${JSON.stringify(value)} ${max}`).toBe(total > max);
      }
    }
  });

  it("find the first reserved key a walk in the same order finds, with its path", () => {
    expect(findReservedKey({ a: { constructor: 1 }, b: [{ c: "x" }, JSON.parse('{"__proto__":{}}')] })).toEqual({
      key: "__proto__",
      path: "b.1.__proto__",
      keys: ["b", "1", "__proto__"],
    });
    expect(findReservedKey({ a: { x: 1, prototype: "p" }, b: "constructor" })).toEqual({
      key: "prototype",
      path: "a.prototype",
      keys: ["a", "prototype"],
    });
    expect(findReservedKey({ prototype: 1, a: { constructor: 2 } })).toMatchObject({ path: "prototype" });
    expect(findReservedKey({ a: ["constructor", { b: { c: [1, { d: null }] } }] })).toBeUndefined();
    expect(findReservedKey("constructor")).toBeUndefined();
  });
});
