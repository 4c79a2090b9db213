/**
 * The shape of a JSON-LD document: everything JSON-LD expansion looks at except the strings it copies.
 *
 * Expansion decides what a document means from its keys, its nesting, its `@context`s, its `type` values and its
 * numbers, booleans and nulls; the other strings (names, descriptions, dates, ids) it copies into the expanded form, as
 * an `@value` or (IRI-expanded) as an `@id`. A shape keeps the former verbatim in its `key` and lists the latter, in
 * document order, as `params`. Two documents with the same key differ only in their params.
 *
 * Anything unusual is refused (the caller takes the full path): a value that is not plain JSON, a key that could reach
 * an object's prototype, a document too deep or too large.
 */

import { RESERVED_KEYS } from "../domain/reserved-keys.js";

/** Beyond these a document takes the full path: the shape key would cost more than it saves. */
export const MAX_SHAPE_DEPTH = 64;
export const MAX_SHAPE_VALUES = 20_000;

export type Shape = {
  /** Unambiguous text of the document with every param replaced by `$`. */
  key: string;
  /** The copied strings, in document order. */
  params: string[];
  /** Every `@context` value found in the document (top level and nested), verbatim. */
  contexts: unknown[];
};

export type ShapeRefusal = { refused: string };

/** True for a plain JSON object: created by a literal or JSON.parse (or null-prototype), nothing exotic. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether the strings under this key are part of the shape rather than params. */
function isShapeKey(key: string): boolean {
  // `type` (the `@type` alias of every credential context) selects type-scoped contexts and is IRI-expanded by
  // vocabulary; keywords other than @id and @value (@type, @language, @direction, @index, @vocab, …) steer expansion.
  return key === "type" || (key.startsWith("@") && key !== "@id" && key !== "@value");
}

class Refused extends Error {}

/**
 * Reads the shape of a document, or says why it is refused. Pure; the document is not modified.
 */
export function readShape(document: unknown): Shape | ShapeRefusal {
  const params: string[] = [];
  const contexts: unknown[] = [];
  let values = 0;
  // The key is written into one string as the walk goes (it was arrays of parts joined per level: a third of the
  // time of a 4 KB credential's shape went to building them).
  let key = "";

  const enter = (depth: number) => {
    values += 1;
    if (values > MAX_SHAPE_VALUES) {
      throw new Refused(`more than ${MAX_SHAPE_VALUES} values`);
    }
    if (depth > MAX_SHAPE_DEPTH) {
      throw new Refused("nested too deeply");
    }
  };

  const scalar = (value: unknown): string => {
    if (value === null) {
      return "null";
    }
    if (typeof value === "boolean") {
      return value ? "true" : "false";
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) {
        throw new Refused("a number that is not finite");
      }
      return Object.is(value, -0) ? "n-0" : `n${String(value)}`;
    }
    throw new Refused(`a ${typeof value} value`);
  };

  /**
   * Writes a value's shape: a param (a string, unless `constant`: a subtree kept verbatim, a @context or a type) as
   * `$`, anything else as itself. Plain JSON only.
   */
  const write = (value: unknown, depth: number, constant: boolean): void => {
    enter(depth);
    if (typeof value === "string") {
      if (constant) {
        key += JSON.stringify(value);
      } else {
        params.push(value);
        key += "$";
      }
      return;
    }
    if (Array.isArray(value)) {
      key += "[";
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) {
          throw new Refused("sparse array");
        }
        if (i > 0) {
          key += ",";
        }
        write(value[i], depth + 1, constant);
      }
      key += "]";
      return;
    }
    if (isPlainObject(value)) {
      key += "{";
      let first = true;
      for (const name of Object.keys(value)) {
        if (RESERVED_KEYS.has(name)) {
          throw new Refused(`key "${name}"`);
        }
        const child = value[name];
        if (!constant && name === "@context") {
          contexts.push(child);
        }
        key += first ? JSON.stringify(name) : `,${JSON.stringify(name)}`;
        first = false;
        if (!constant && isShapeKey(name)) {
          key += ":=";
          write(child, depth + 1, true);
        } else {
          key += ":";
          write(child, depth + 1, constant);
        }
      }
      key += "}";
      return;
    }
    key += scalar(value);
  };

  try {
    if (!isPlainObject(document)) {
      return { refused: "not a plain JSON object" };
    }
    write(document, 0, false);
    return { key, params, contexts };
  } catch (error) {
    if (error instanceof Refused) {
      return { refused: error.message };
    }
    throw error;
  }
}

/**
 * A copy of the document with its params replaced, in document order, by `replacement(i)`. Keys and constants are
 * kept. Only called on a document `readShape` accepted (so plain JSON without refused keys).
 */
export function withParams(document: Record<string, unknown>, replacement: (index: number) => string): unknown {
  let next = 0;
  const copy = (value: unknown, constant: boolean): unknown => {
    if (typeof value === "string") {
      return constant ? value : replacement(next++);
    }
    if (Array.isArray(value)) {
      return value.map((item) => copy(item, constant));
    }
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        out[key] = copy(child, constant || isShapeKey(key));
      }
      return out;
    }
    return value;
  };
  return copy(document, false);
}
