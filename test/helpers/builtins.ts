import { expect } from "vitest";

/** The built-ins a polluting key reaches: `obj.__proto__`, `obj.constructor`, `obj.constructor.prototype`… */
const BUILTINS: Array<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Object", Object],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  // `obj.toString`, `obj.hasOwnProperty`…: the methods an id such as "toString" resolves to
  ...Object.getOwnPropertyNames(Object.prototype)
    .map((name): [string, unknown] => [`Object.prototype.${name}`, Reflect.get(Object.prototype, name)])
    .filter((entry): entry is [string, object] => typeof entry[1] === "function"),
];

export type BuiltinsSnapshot = Map<string, unknown>;

/** Every own property of those built-ins, with its value (or accessor), to compare after hostile input. */
export function snapshotBuiltins(): BuiltinsSnapshot {
  const snapshot: BuiltinsSnapshot = new Map();
  for (const [name, target] of BUILTINS) {
    for (const key of Reflect.ownKeys(target)) {
      const d = Object.getOwnPropertyDescriptor(target, key);
      snapshot.set(`${name}.${String(key)}`, d && ("value" in d ? d.value : [d.get, d.set]));
    }
  }
  return snapshot;
}

/** The built-in properties added, removed or replaced since `before`. */
export function builtinChanges(before: BuiltinsSnapshot): string[] {
  const after = snapshotBuiltins();
  const changed = [...after.keys()].filter((k) => !before.has(k) || !sameValue(before.get(k), after.get(k)));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  return [...changed.map((k) => `added or changed ${k}`), ...removed.map((k) => `removed ${k}`)];
}

function sameValue(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.every((x, i) => Object.is(x, b[i])) : Object.is(a, b);
}

/** Asserts that nothing reachable through a prototype changed since `before`, naming what did. */
export function expectBuiltinsUnchanged(before: BuiltinsSnapshot, during: string): void {
  expect(builtinChanges(before), `built-ins changed by ${during}`).toEqual([]);
}

/** Sets an own, enumerable property even when `key` is `__proto__` (plain assignment would change the prototype). */
export function put(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
