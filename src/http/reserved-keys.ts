import { z } from "@hono/zod-openapi";
import { findReservedKey } from "../domain/reserved-keys.js";

/**
 * A JSON body schema that first refuses `__proto__`, `constructor` or `prototype` used as a property name anywhere
 * in the parsed body (a 400 naming where, and nothing else), then validates as `schema`: no request Laurel accepts
 * needs them, and libraries that copy or merge objects turn them into prototype pollution. It runs inside the route's
 * own validation, on the body hono parsed once for it, so after the route's rate limit and authentication: a client
 * refused those never has its body read. Every JSON body is declared through `jsonBody`/`jsonContent`, which apply it.
 */
export function withoutReservedKeys<T extends z.ZodType>(schema: T) {
  return z.preprocess((body, ctx) => {
    const reserved = findReservedKey(body);
    if (reserved === undefined) {
      return body;
    }
    ctx.addIssue({
      code: "custom",
      path: reserved.keys,
      message: `"${reserved.key}" is not accepted as a property name`,
    });
    return z.NEVER;
  }, schema);
}
