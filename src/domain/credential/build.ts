import type { Ob3Achievement } from "../achievement.js";
import { OB_ACHIEVEMENT_CREDENTIAL_SCHEMA, OB_CREDENTIAL_CONTEXTS } from "../contexts.js";
import type { Ob3Evidence, Ob3Result } from "../criteria/decision.js";
import type { IssuerProfile } from "../issuer.js";
import type { StatusListEntry } from "../status/status-list-credential.js";
import type { IdentityObject } from "./identity.js";

export type UnsignedCredential = {
  "@context": string[];
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  name: string;
  description: string;
  issuer: IssuerProfile;
  validFrom: string;
  validUntil?: string;
  awardedDate: string;
  credentialSubject: {
    type: ["AchievementSubject"];
    identifier: IdentityObject[];
    achievement: Ob3Achievement;
    result?: Ob3Result[];
  };
  evidence?: Ob3Evidence[];
  credentialSchema: Array<typeof OB_ACHIEVEMENT_CREDENTIAL_SCHEMA>;
  /** Bitstring Status List entries: revocation, plus suspension where the certification allows it. */
  credentialStatus?: StatusListEntry | StatusListEntry[];
};

/** RFC 3339 in UTC with whole seconds (VC-JWT `nbf` must equal `validFrom`). */
export function toWholeSecondIso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Builds an unsigned OpenBadgeCredential exactly as OB 3.0 and STANDARDS.md §1 describe:
 * three contexts, array types, embedded issuer Profile, hashed-email recipient identity.
 */
export function buildOpenBadgeCredential(input: {
  id: string;
  issuer: IssuerProfile;
  achievement: Ob3Achievement;
  identifiers: IdentityObject[];
  validFrom: Date;
  validUntil?: Date;
  awardedDate?: Date;
  /** From an automatic award: OB evidence entries and results (omitted when empty, as OB requires). */
  evidence?: Ob3Evidence[];
  results?: Ob3Result[];
  /** The `credentialStatus` value (see domain/status: one entry as an object, two as an array). */
  credentialStatus?: StatusListEntry | StatusListEntry[];
}): UnsignedCredential {
  const validFrom = toWholeSecondIso(input.validFrom);
  return {
    "@context": [...OB_CREDENTIAL_CONTEXTS],
    id: input.id,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: input.achievement.name,
    description: input.achievement.description,
    issuer: input.issuer,
    validFrom,
    ...(input.validUntil ? { validUntil: toWholeSecondIso(input.validUntil) } : {}),
    awardedDate: input.awardedDate ? toWholeSecondIso(input.awardedDate) : validFrom,
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: input.identifiers,
      achievement: input.achievement,
      ...(input.results?.length ? { result: input.results } : {}),
    },
    ...(input.evidence?.length ? { evidence: input.evidence } : {}),
    credentialSchema: [{ ...OB_ACHIEVEMENT_CREDENTIAL_SCHEMA }],
    ...(input.credentialStatus ? { credentialStatus: input.credentialStatus } : {}),
  };
}

/** A signed credential's `awardedDate` (OB 3.0: the original award, kept across reissues and renewals), if it has one. */
export function awardedDateOf(document: { awardedDate?: unknown }): Date | undefined {
  const value = document.awardedDate;
  if (typeof value !== "string") {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
