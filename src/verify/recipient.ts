import { createHash } from "node:crypto";
import { normaliseEmail } from "../domain/credential/identity.js";
import type { Check } from "./report.js";

const check = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "recipient",
  outcome,
  title: "Recipient",
  message,
  code,
});

/** An email identity as OB 3.0 (IdentityObject) and OB 2.0 (IdentityObject `recipient`) both state it. */
export type EmailIdentity = { hashed: boolean; identity: string; salt: string };

function hashMatches(stated: string, candidate: string, salt: string): boolean {
  const [alg, digest] = stated.split("$") as [string, string | undefined];
  if (!digest || (alg !== "sha256" && alg !== "md5")) {
    return false;
  }
  const computed = createHash(alg)
    .update(candidate + salt, "utf8")
    .digest("hex");
  return computed === digest.toLowerCase();
}

/** The email identities of an OB 3.0 credential subject (`identifier[]`, or a `mailto:` subject id). */
export function ob3EmailIdentities(credential: Record<string, unknown>): EmailIdentity[] {
  const subject = (
    Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject
  ) as Record<string, unknown> | undefined;
  const raw = subject?.identifier;
  const identifiers = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Array<Record<string, unknown>>;
  const found = identifiers
    .filter(
      (i) => typeof i === "object" && i !== null && (i.identityType === "emailAddress" || i.identityType === "email"),
    )
    .filter((i) => typeof i.identityHash === "string")
    .map((i) => ({
      hashed: i.hashed === true,
      identity: i.identityHash as string,
      salt: typeof i.salt === "string" ? i.salt : "",
    }));
  if (typeof subject?.id === "string" && subject.id.startsWith("mailto:")) {
    found.push({ hashed: false, identity: subject.id.slice("mailto:".length), salt: "" });
  }
  return found;
}

/**
 * Whether a typed email is the recipient's (OB 3.0 §8.4 verify-identifier): compared with hashed identities as
 * `alg$hex(hash(email + salt))`, normalised as we normalise emails (trimmed, lower case), then as typed.
 */
export function checkRecipient(identities: EmailIdentity[], email: string | undefined): Check {
  if (email === undefined || email.trim() === "") {
    return check("not-checked", "no-email-given", "No email address was given to compare with the recipient.");
  }
  if (identities.length === 0) {
    return check(
      "not-checked",
      "no-email-identifier",
      "The credential does not identify its recipient by email address.",
    );
  }
  const candidates = [...new Set([normaliseEmail(email), email.trim()])];
  const matches = identities.some((id) =>
    candidates.some((c) =>
      id.hashed ? hashMatches(id.identity, c, id.salt) : normaliseEmail(id.identity) === normaliseEmail(c),
    ),
  );
  return matches
    ? check("passed", "match", "The email address given matches the credential's recipient.")
    : check("failed", "no-match", "The email address given is not the credential's recipient.");
}
