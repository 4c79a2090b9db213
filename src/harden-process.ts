/**
 * Process hardening, imported first by every entry point (main.ts, cli/, bench/). Every npm script starts node with
 * `--disable-proto=delete`, which removes the `Object.prototype.__proto__` accessor before any code runs; a process
 * started some other way gets the same here. Without the accessor, `obj["__proto__"] = value` in any library makes an
 * ordinary property instead of reaching `Object.prototype`. `constructor` and `prototype` are not covered by it: input
 * readers refuse those keys (domain/reserved-keys.ts) and jsonld's node maps are patched (patches/).
 */
if (Object.getOwnPropertyDescriptor(Object.prototype, "__proto__")) {
  Reflect.deleteProperty(Object.prototype, "__proto__");
}
