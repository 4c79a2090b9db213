import { z } from "@hono/zod-openapi";
import { checkEmail, type EmailProblem, MAX_EMAIL_LENGTH } from "../domain/email.js";

/** What the API says of a refused address (the messages zod's checks used to give, so answers stay the same). */
const EMAIL_MESSAGES: Record<EmailProblem, string> = {
  empty: "must be a valid email address",
  "too-long": `Too big: expected string to have <=${MAX_EMAIL_LENGTH} characters`,
  malformed: "must be a valid email address",
};

/** The address trimmed, when it is one by the one rule (`checkEmail`); otherwise an issue saying what is wrong. */
function readEmail(value: string, ctx: z.core.$RefinementCtx<string>): string {
  const verdict = checkEmail(value);
  if (verdict.ok) {
    return verdict.email;
  }
  ctx.addIssue({ code: "custom", message: EMAIL_MESSAGES[verdict.problem], input: value });
  return z.NEVER;
}

const EMAIL_DOC = { type: "string", format: "email", maxLength: MAX_EMAIL_LENGTH, example: "ada@example.org" } as const;

/** An email address as the API accepts it: trimmed, at most 320 characters, by the one rule of `domain/email.ts`. */
export const EmailSchema = z.string().transform(readEmail).openapi(EMAIL_DOC);

/** A form's optional email field: empty (or only spaces) is no address; anything else must be one. */
export const OptionalFormEmailSchema = z
  .string()
  .transform((value, ctx) => (value.trim() === "" ? undefined : readEmail(value, ctx)))
  .optional()
  .openapi(EMAIL_DOC);
