/**
 * Property names that reach JavaScript's prototype machinery when code indexes a plain object with them
 * (`obj["__proto__"]` is `Object.prototype`, `obj.constructor.prototype` too). No credential, request or definition
 * needs them as keys, so input that uses them is refused before any library copies or merges it.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

type Step = { value: unknown; key?: string; parent?: Step };

function keysOf(step: Step): string[] {
  const keys: string[] = [];
  for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) {
    keys.push(at.key);
  }
  return keys.reverse();
}

/**
 * The first reserved key in a parsed JSON or YAML value and its path (`a.0.__proto__`, and as `keys`), or undefined.
 * Walked iteratively and the path is spelled only once found, so deep input costs neither stack nor quadratic time.
 * Only objects and arrays are stacked (a primitive holds no key): most members of a document are strings.
 */
export function findReservedKey(value: unknown): { key: string; path: string; keys: string[] } | undefined {
  const stack: Step[] = [{ value }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const current = step.value;
    if (typeof current !== "object" || current === null) {
      continue;
    }
    for (const key of Object.keys(current)) {
      const member = (current as Record<string, unknown>)[key];
      if (RESERVED_KEYS.has(key)) {
        const keys = keysOf({ value: member, key, parent: step });
        return { key, path: keys.join("."), keys };
      }
      if (typeof member === "object" && member !== null) {
        stack.push({ value: member, key, parent: step });
      }
    }
  }
  return undefined;
}
