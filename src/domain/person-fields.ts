import { z } from "zod";
import { hasUndrawableCharacter } from "./display-text.js";
import { checkEmail, type EmailProblem, MAX_EMAIL_LENGTH } from "./email.js";

/**
 * The person fields every input names (an e-mail address, a display name), as zod schemas of the domain: the API's
 * schemas (`src/schemas/`) re-export them, and the bulk job files (`domain/jobs/`) validate with the very same ones.
 * Plain zod with `.meta()` (which the OpenAPI generator reads) so that the domain does not depend on the HTTP layer.
 */

/** What the API says of a refused address (the messages zod's checks used to give, so answers stay the same). */
const EMAIL_MESSAGES: Record<EmailProblem, string> = {
  empty: "must be a valid email address",
  "too-long": `Too big: expected string to have <=${MAX_EMAIL_LENGTH} characters`,
  malformed: "must be a valid email address",
};

/** The address trimmed, when it is one by the one rule (`checkEmail`); otherwise an issue saying what is wrong. */
export function readEmail(value: string, ctx: z.core.$RefinementCtx<string>): string {
  const verdict = checkEmail(value);
  if (verdict.ok) {
    return verdict.email;
  }
  ctx.addIssue({ code: "custom", message: EMAIL_MESSAGES[verdict.problem], input: value });
  return z.NEVER;
}

export const EMAIL_DOC = {
  type: "string",
  format: "email",
  maxLength: MAX_EMAIL_LENGTH,
  example: "ada@example.org",
} as const;

/** An email address as the API accepts it: trimmed, at most 320 characters, by the one rule of `domain/email.ts`. */
export const EmailSchema = z.string().transform(readEmail).meta(EMAIL_DOC);

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
