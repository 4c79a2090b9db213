/**
 * The one rule for e-mail addresses. The API's schemas (`EmailSchema`), the public pages' forms (the credential
 * page's recipient check, the verify page's email field), the CLI (through the API's schemas) and the configuration
 * all decide with `checkEmail`, so an address one of them accepts is accepted by all of them.
 */

/** RFC 5321 caps a path at 256 octets; 320 (64 + 1 + 255) is the usual upper bound of an address as typed. */
export const MAX_EMAIL_LENGTH = 320;

/**
 * The shape of an address: a dotted ASCII local part (letters, digits, `_ ' + -`; no leading, trailing or double
 * dot), `@`, then dot-separated host labels ending in a top-level domain of two letters or more. No quoted local
 * parts, IP literals, single-label hosts (`localhost`) or non-ASCII characters: what a person types for a mailbox
 * that receives mail. It is zod 4's `z.regexes.email`, the rule the API has always applied (a unit test keeps them
 * the same).
 */
export const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** Why an address is refused. */
export type EmailProblem = "empty" | "too-long" | "malformed";

/** The address as typed, trimmed, when it follows the rule; otherwise what is wrong with it. */
export type EmailVerdict = { ok: true; email: string } | { ok: false; problem: EmailProblem };

/**
 * Trims surrounding white space (as forms and pasted text carry it), then checks the rule. The address keeps its
 * case: identities are compared lower-cased (`normaliseEmail`), but the address is shown as its owner typed it.
 */
export function checkEmail(input: string): EmailVerdict {
  const email = input.trim();
  if (email === "") {
    return { ok: false, problem: "empty" };
  }
  if (email.length > MAX_EMAIL_LENGTH) {
    return { ok: false, problem: "too-long" };
  }
  return EMAIL_PATTERN.test(email) ? { ok: true, email } : { ok: false, problem: "malformed" };
}
