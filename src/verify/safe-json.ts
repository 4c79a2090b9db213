import { findReservedKey, RESERVED_KEYS } from "../domain/reserved-keys.js";

/** Deeper JSON than this is refused before parsing: later steps (schema, JSON-LD) recurse per level. */
export const MAX_JSON_DEPTH = 64;

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The deepest nesting of arrays and objects in a JSON text, counted without parsing. A string is skipped whole: from
 * its opening quote to the next quote not escaped (preceded by an even run of backslashes), found with `indexOf`
 * rather than character by character (most of a credential's text is in its strings). Unterminated: the depth so far.
 */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = closingQuote(text, i);
      if (end < 0) {
        return deepest;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) {
          return deepest;
        }
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** The index of the quote that closes the string opened at `open`, or -1. Each backslash run is counted once. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end > 0) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === 0x5c) {
      slashes++;
    }
    if (slashes % 2 === 0) {
      return end;
    }
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** The reserved keys as JSON spells them literally: `"__proto__"`, `"constructor"`, `"prototype"`. */
const QUOTED_RESERVED = [...RESERVED_KEYS].map((key) => JSON.stringify(key));

/**
 * Whether a JSON text can hold a reserved key at all. A key is a JSON string: it spells one of those names either
 * literally, quotes included (a quote inside a string is escaped, so the quoted name cannot come from inside another
 * string), or with a `\u` escape (the only escape that yields a letter or `_`). A text with neither holds none, and
 * its parsed value need not be walked.
 */
function mayNameReservedKey(text: string): boolean {
  return text.includes("\\u") || QUOTED_RESERVED.some((quoted) => text.includes(quoted));
}

/**
 * Parses untrusted JSON, refusing nesting deeper than `maxDepth` before anything recurses over it, and keys such as
 * `__proto__` (see domain/reserved-keys) before any library copies or merges the value.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonParse {
  if (nestingDepth(text, maxDepth) > maxDepth) {
    return { ok: false, reason: `it nests deeper than ${maxDepth} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return refuseReservedKeys(text, value);
}

/**
 * `parseJson(text)` for a value already parsed from `text`'s JSON, as `readJsonData` found it (JSON data, at most
 * MAX_JSON_DEPTH deep, `text` its JSON.stringify): the same answer (its reserved keys refused alike) without parsing.
 */
export function parsedJson(text: string, value: Record<string, unknown>): JsonParse {
  return refuseReservedKeys(text, value);
}

function refuseReservedKeys(text: string, value: unknown): JsonParse {
  const reserved = mayNameReservedKey(text) ? findReservedKey(value) : undefined;
  if (reserved) {
    return {
      ok: false,
      reason: `it uses "${reserved.key}" as a property name (at ${reserved.path}), which is refused`,
    };
  }
  return { ok: true, value };
}

/**
 * Parses JSON this service wrote itself (JSON.stringify of a value that `parseJson` accepted, such as a credential
 * page's projection): without the depth scan, which that writer bounds, but still refusing reserved keys.
 */
export function parseOwnJson(text: string): JsonParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const reserved = mayNameReservedKey(text) ? findReservedKey(value) : undefined;
  return reserved ? { ok: false, reason: `it uses "${reserved.key}" as a property name` } : { ok: true, value };
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when an already-parsed value nests deeper than `maxDepth` (counted iteratively by `readJsonData`). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  return typeof value === "object" && value !== null && readJsonData(value, maxDepth) === "too-deep";
}

/**
 * What a value given as a parsed JSON object is: nested deeper than `maxDepth` (itself at depth 1), else
 * "json" when every value in it is JSON data as JSON.parse makes it (plain objects and arrays, strings, booleans, null,
 * finite numbers other than -0: `JSON.parse(JSON.stringify(value))` gives it back equal), else "other" (a Date, a
 * class instance, undefined, NaN, -0, a hole…: only its JSON text can stand for it). Iterative (no recursion to
 * overflow): the objects still to visit and their depths are kept in two arrays, and primitives are never pushed.
 */
export function readJsonData(value: object, maxDepth: number): "too-deep" | "json" | "other" {
  let json = isPlainContainer(value);
  const objects: object[] = [value];
  const depths: number[] = [1];
  while (objects.length > 0) {
    const current = objects.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) {
      return "too-deep";
    }
    const members = Array.isArray(current) ? current : Object.values(current);
    for (let i = 0; i < members.length; i++) {
      const member: unknown = members[i];
      if (typeof member === "object" && member !== null) {
        json &&= isPlainContainer(member);
        objects.push(member);
        depths.push(depth + 1);
      } else {
        json &&= isJsonPrimitive(member);
      }
    }
  }
  return json ? "json" : "other";
}

function isPlainContainer(value: object): boolean {
  return Object.getPrototypeOf(value) === (Array.isArray(value) ? Array.prototype : Object.prototype);
}

function isJsonPrimitive(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    default:
      return value === null;
  }
}

/**
 * True when a parsed value holds more than `max` values (objects, arrays and primitives; counted iteratively). Only
 * objects and arrays are stacked: a primitive member is counted where it is met.
 */
export function holdsMoreValuesThan(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const current = stack.pop();
    if (++count > max) {
      return true;
    }
    if (typeof current === "object" && current !== null) {
      const members = Object.values(current);
      for (let i = 0; i < members.length; i++) {
        const member: unknown = members[i];
        if (typeof member === "object" && member !== null) {
          stack.push(member);
        } else if (++count > max) {
          return true;
        }
      }
    }
  }
  return false;
}

/**
 * A value read from untrusted JSON, as text for a message: a string as it is, anything else as JSON, cut at `max`
 * characters. Never `String(value)`: an object such as `{"toString": null}` makes that throw.
 */
export function shown(value: unknown, max = 200): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? typeof value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
