/**
 * What a credential's images and certificate must say about it now, evaluated at request time: nothing for a
 * credential in force; otherwise the worst that applies, in the verdict's order (revoked, or replaced by a newer
 * credential, before suspended, before expired).
 */
export type CredentialMark = "revoked" | "replaced" | "suspended" | "expired";

export function credentialMark(facts: {
  revokedAt: Date | null;
  suspendedAt: Date | null;
  supersededBy: string | null;
  validUntil: Date | null;
  now: Date;
}): CredentialMark | undefined {
  if (facts.revokedAt) {
    return facts.supersededBy ? "replaced" : "revoked";
  }
  if (facts.suspendedAt) {
    return "suspended";
  }
  if (facts.validUntil && facts.now.getTime() > facts.validUntil.getTime()) {
    return "expired";
  }
  return undefined;
}
