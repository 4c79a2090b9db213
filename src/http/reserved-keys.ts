import type { MiddlewareHandler } from "hono";
import { findReservedKey } from "../domain/reserved-keys.js";
import { validationError } from "../errors.js";
import type { AppEnv } from "./env.js";

/** The JSON media types the route validators parse (hono's validator uses the same test). */
const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/**
 * Refuses a JSON request body that uses `__proto__`, `constructor` or `prototype` as a property name, with a 400
 * naming where, before any schema, service or library sees it: no request Laurel accepts needs them, and libraries
 * that copy or merge objects turn them into prototype pollution. Malformed JSON is left to the route's validator.
 */
export function refuseReservedKeys(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const media = (c.req.header("content-type") ?? "").split(";", 1)[0]?.trim() ?? "";
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && JSON_MEDIA.test(media)) {
      const text = await c.req.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return next();
      }
      const reserved = findReservedKey(body);
      if (reserved) {
        const { key, path } = reserved;
        throw validationError([{ path, message: `"${key}" is not accepted as a property name` }]);
      }
    }
    await next();
  };
}
