import { hash, verify } from "@node-rs/argon2";

/**
 * Passwords are stored as Argon2id PHC strings (OWASP's parameters: 19 MiB, 2 passes, 1 lane; @node-rs/argon2's
 * defaults, spelt out so that a library upgrade cannot weaken them silently).
 */
const PARAMETERS = {
  // 2 = Argon2id (the package's `Algorithm` is a const enum, which verbatimModuleSyntax cannot import)
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Shortest and longest password accepted (a passphrase may be long; Argon2 hashes any length in the same time). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

/**
 * A hash of a random password nobody kept, verified when the account does not exist or has no password, so that a
 * wrong email takes as long to refuse as a wrong password (no account enumeration by timing).
 */
const NOBODYS_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$4g+ucFML9oWFDjMGg87t6A$nuHysepCTYb2q3UwPXTsd8WsiFgV1n8K8pKdIS+f74E";

/** Whether `password` matches `stored` (null: an account without a password, always false after the same work). */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  const target = stored ?? NOBODYS_HASH;
  try {
    const ok = await verify(target, password);
    return ok && stored !== null;
  } catch {
    // a malformed stored hash is a failed sign-in, not a 500
    return false;
  }
}

/** What is wrong with a new password, in words (undefined: it is acceptable). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) {
    return `must be at least ${PASSWORD_MIN} characters`;
  }
  if (password.length > PASSWORD_MAX) {
    return `must be at most ${PASSWORD_MAX} characters`;
  }
  return undefined;
}
