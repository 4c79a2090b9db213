import { z } from "@hono/zod-openapi";

/**
 * A person's display name as signed into credentials: well-formed Unicode (a lone surrogate would hash
 * differently in other languages' verifiers), no control characters, no bidi override or isolate
 * controls (they can disguise how a name displays); NFC-normalised. Right-to-left scripts are fine.
 */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .refine((s) => s.isWellFormed(), "must be well-formed Unicode text")
  .refine((s) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(s), "must not contain control or bidi-override characters")
  .transform((s) => s.normalize("NFC"));
