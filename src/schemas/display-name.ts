import { z } from "@hono/zod-openapi";
import { hasUndrawableCharacter } from "../domain/display-text.js";

/**
 * A person's display name as signed into credentials (issuance, reissue, evidence): well-formed Unicode (a lone
 * surrogate would hash differently in other languages' verifiers), no control characters, no noncharacters (XML,
 * and so the badge and share card, cannot carry U+FFFE or U+FFFF), no bidi override or isolate controls (they can
 * disguise how a name displays); NFC-normalised. Right-to-left scripts are fine.
 */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .refine((s) => s.isWellFormed(), "must be well-formed Unicode text")
  .refine(
    (s) => !hasUndrawableCharacter(s),
    "must not contain control, noncharacter (U+FFFE, U+FFFF…) or bidi-override characters",
  )
  .transform((s) => s.normalize("NFC"));
