import { createHash } from "node:crypto";

/** Normalises an email for identity hashing: trimmed and lower-cased (as verifiers will type it). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** OB 3.0 IdentityHash: `sha256$` + hex(SHA-256(identifier ‖ salt)) (STANDARDS.md §1.4). */
export function identityHash(identifier: string, salt: string): string {
  return `sha256$${createHash("sha256")
    .update(identifier + salt, "utf8")
    .digest("hex")}`;
}

export type IdentityObject = {
  type: "IdentityObject";
  identityType: "emailAddress" | "name";
  hashed: boolean;
  identityHash: string;
  salt?: string;
};

/** The recipient's identifiers: the salted, hashed email and the display name in clear. */
export function recipientIdentifiers(recipient: { email: string; name: string }, salt: string): IdentityObject[] {
  return [
    {
      type: "IdentityObject",
      identityType: "emailAddress",
      hashed: true,
      identityHash: identityHash(normaliseEmail(recipient.email), salt),
      salt,
    },
    { type: "IdentityObject", identityType: "name", hashed: false, identityHash: recipient.name },
  ];
}
