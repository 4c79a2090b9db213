/**
 * What a verification reports: one entry per check, each passed, failed or not checked, with a plain-language
 * sentence. Every entry point (the API, the VC API verifier endpoint, the public pages) renders this one shape.
 */

export type CheckId = "format" | "schema" | "proof" | "issuer" | "validity" | "status" | "recipient";

/** "not-checked" is never shown as passed: a network failure or an unsupported method lands here. */
export type CheckOutcome = "passed" | "failed" | "not-checked";

export type Check = {
  id: CheckId;
  outcome: CheckOutcome;
  /** Short label, e.g. "Signature". */
  title: string;
  /** One plain-language sentence saying what was found, e.g. "Signed by did:web:badges.example#key-1; the signature matches." */
  message: string;
  /**
   * A stable machine-readable reason, e.g. "revoked", "suspended", "expired", "not-yet-valid", "no-status",
   * "remote-disabled", "unknown-key", "tampered", "key-not-issuers", "no-email-given", "no-match".
   */
  code?: string;
};

/**
 * The headline a person reads, worst first:
 * - not-genuine: the proof or the issuer check failed (tampered, unknown key, key not the issuer's);
 * - invalid: unreadable or not an Open Badge (bad JSON, schema failure, no credential in the image);
 * - revoked / suspended: the issuer's status list says so;
 * - expired / not-yet-valid: outside validFrom/validUntil;
 * - unverified: nothing failed but the proof could not be checked (e.g. remote key resolution disabled);
 * - valid: every check that applies passed (status and recipient may be not-checked when they do not apply).
 * The verdict is about the credential: a recipient email that does not match shows as the failed recipient check
 * and leaves the verdict as it is. A status or key that needs the network while remote resolution is off makes
 * an otherwise clean result "unverified", never "valid".
 */
export type Verdict =
  | "valid"
  | "expired"
  | "not-yet-valid"
  | "revoked"
  | "suspended"
  | "not-genuine"
  | "invalid"
  | "unverified";

export type InputFormat = "json" | "jwt" | "png" | "svg" | "url";

/** What a page shows about the credential, read from its (possibly untrusted) content; all plain strings. */
export type CredentialDisplay = {
  openBadgesVersion: "3.0" | "2.0";
  id?: string;
  name: string;
  description?: string;
  achievementId?: string;
  achievementType?: string;
  criteriaNarrative?: string;
  criteriaUrl?: string;
  imageUrl?: string;
  imageCaption?: string;
  recipientName?: string;
  issuer: { id?: string; name?: string; url?: string; imageUrl?: string; email?: string };
  issuedOn?: string;
  awardedDate?: string;
  validFrom?: string;
  validUntil?: string;
  evidence: Array<{ name?: string; description?: string; narrative?: string; url?: string }>;
  /** `resultType` and `valueMax` come from the achievement's matching ResultDescription (so "86" reads "86 %"). */
  results: Array<{ description?: string; value?: string; status?: string; resultType?: string; valueMax?: string }>;
};

export type VerificationReport = {
  verdict: Verdict;
  checks: Check[];
  format?: InputFormat;
  /** The credential as read (JSON object); absent when nothing could be read. */
  credential?: Record<string, unknown>;
  display?: CredentialDisplay;
  /** ISO time the checks were made (the injected clock). */
  checkedAt: string;
};
