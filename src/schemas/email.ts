import { z } from "@hono/zod-openapi";

/** An email address as the API accepts it: trimmed, at most 320 characters, validated. */
export const EmailSchema = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email({ error: "must be a valid email address" }))
  .openapi({ type: "string", format: "email", example: "ada@example.org" });
