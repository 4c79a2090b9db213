import type { StatusListEntry } from "../status/status-list-credential.js";
import { checkVcdmRules, type VcdmVersion, type VcdmViolation } from "./vcdm-rules.js";

/** The Bitstring Status List context, which VCDM 1.1 lacks (2.0 defines `BitstringStatusListEntry` itself). */
export const STATUS_LIST_CONTEXT = "https://www.w3.org/ns/credentials/status/v1";

type Json = Record<string, unknown>;

/** What an issuance request's credential turned out to be: ready to sign, or what is wrong with it. */
export type PreparedCredential =
  | { ok: true; credential: Json; version: VcdmVersion }
  | { ok: false; violations: VcdmViolation[]; foreignIssuer?: string };

const issuerIdOf = (issuer: unknown): unknown =>
  typeof issuer === "object" && issuer !== null && !Array.isArray(issuer) ? (issuer as Json).id : issuer;

/**
 * Settles a credential the VC API is asked to issue (VC API §Issue Credential): the issuer is ours (filled in when
 * absent; another one is refused as `foreignIssuer`), a VCDM 1.1 credential gets its required `issuanceDate` and a 2.0
 * one its `validFrom` (now) when it has none, no proof may be given (we add it), and every VC Data Model rule must hold (vcdm-rules.ts).
 */
export function prepareCredentialToIssue(input: Json, options: { issuerId: string; now: Date }): PreparedCredential {
  const credential: Json = { ...input };
  if (credential.issuer === undefined) {
    credential.issuer = options.issuerId;
  }
  const issuerId = issuerIdOf(credential.issuer);
  const { version, violations } = checkVcdmRules({
    ...credential,
    ...(credential.issuanceDate === undefined ? { issuanceDate: "2000-01-01T00:00:00Z" } : {}),
  });
  if (credential.proof !== undefined) {
    violations.push({ rule: "proof", path: "proof", message: "proof must not be given: the issuer adds its own" });
  }
  if (violations.length > 0 || !version) {
    return { ok: false, violations };
  }
  if (issuerId !== options.issuerId) {
    return { ok: false, violations: [], foreignIssuer: String(issuerId) };
  }
  // the issuer vouches for the credential from its issuance on: without a date a verifier cannot place it in time
  const now = options.now.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (version === "1.1" && credential.issuanceDate === undefined) {
    credential.issuanceDate = now;
  }
  if (version === "2.0" && credential.validFrom === undefined) {
    credential.validFrom = now;
  }
  return { ok: true, credential, version };
}

/**
 * Adds our status entries to a credential's `credentialStatus` (after any it already has; one entry alone stays an
 * object), with the status list context a VCDM 1.1 credential needs for them.
 */
export function withStatusEntries(credential: Json, version: VcdmVersion, entries: StatusListEntry[]): Json {
  if (entries.length === 0) {
    return credential;
  }
  const given = credential.credentialStatus;
  const all = [...(given === undefined ? [] : Array.isArray(given) ? given : [given]), ...entries];
  const context = credential["@context"] as unknown[];
  return {
    ...credential,
    ...(version === "1.1" && !context.includes(STATUS_LIST_CONTEXT)
      ? { "@context": [...context, STATUS_LIST_CONTEXT] }
      : {}),
    credentialStatus: all.length === 1 ? all[0] : all,
  };
}
