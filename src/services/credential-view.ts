import { toShortCode } from "../domain/short-id.js";
import { type StatusSlot, statusListUrl } from "../domain/status/status-list-credential.js";
import { type LifecycleState, lifecycleState } from "../domain/status/transitions.js";
import type { CredentialRecord } from "../storage/credentials-repo.js";

/** Public URL of a credential (its `id`): the signed JSON, and for browsers its verification page. */
export function credentialUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/credentials/${id}`;
}

/** The short link to a credential's page (`/c/<22 base58 characters>`), for print, QR codes and messages. */
export function shortLinkUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/c/${toShortCode(id)}`;
}

/** What the admin API returns for a credential: our bookkeeping around the signed document. */
export type CredentialView = {
  id: string;
  url: string;
  achievementId: string;
  achievementName: string;
  achievementVersion: string;
  recipient: { email: string; name: string };
  validFrom: string;
  validUntil: string | null;
  issuedBy: string;
  issuedAt: string;
  verificationMethod: string;
  /** `json` and `page` are the same URL (JSON for programs, the verification page for browsers). */
  links: { json: string; jwt: string; page: string; shortLink: string };
  credential: Record<string, unknown>;
  jwt: string;
  /** Why it was awarded (automatic awards): definition version, evidence ids, report. */
  decision: Record<string, unknown> | null;
  /** Where it stands: revoked / suspended with reasons (admin view: private reasons included), replacements. */
  status: CredentialStatusView;
};

/** A revocation or suspension: when, why, and whether the reason is shown publicly. */
export type StatusChangeView = { at: string; reason: string; reasonPublic: boolean };

export type CredentialStatusView = {
  state: LifecycleState;
  /** Null unless revoked ("superseded" when a newer credential replaced it). */
  revocation: StatusChangeView | null;
  /** Null unless suspended now. */
  suspension: StatusChangeView | null;
  supersededBy: string | null;
  supersedes: string | null;
  /** Its Bitstring Status List entries. */
  entries: Array<{ purpose: string; listId: string; index: number; statusListCredential: string }>;
};

function change(at: Date | null, reason: string | null, reasonPublic: boolean | null): StatusChangeView | null {
  return at ? { at: at.toISOString(), reason: reason ?? "", reasonPublic: reasonPublic === true } : null;
}

function statusView(publicUrl: string, record: CredentialRecord, slots: StatusSlot[]): CredentialStatusView {
  return {
    state: lifecycleState(record),
    revocation: change(record.revokedAt, record.revocationReason, record.revocationReasonPublic),
    suspension: change(record.suspendedAt, record.suspensionReason, record.suspensionReasonPublic),
    supersededBy: record.supersededBy,
    supersedes: record.supersedes,
    entries: slots.map((s) => ({
      purpose: s.purpose,
      listId: s.listId,
      index: s.index,
      statusListCredential: statusListUrl(publicUrl, s.listId),
    })),
  };
}

/** `credential` is the parsed document when the caller already holds it (issuance), saving a JSON.parse. */
export function toCredentialView(
  publicUrl: string,
  credential: Record<string, unknown> | null,
  record: CredentialRecord,
  slots: StatusSlot[],
): CredentialView {
  const url = credentialUrl(publicUrl, record.id);
  const document = credential ?? (JSON.parse(record.document) as Record<string, unknown>);
  return {
    id: record.id,
    url,
    achievementId: record.achievementId,
    achievementName: record.achievementName,
    achievementVersion: record.achievementVersion,
    recipient: { email: record.recipientEmail, name: record.recipientName },
    validFrom: record.validFrom.toISOString(),
    validUntil: record.validUntil ? record.validUntil.toISOString() : null,
    issuedBy: record.issuedBy,
    issuedAt: record.createdAt.toISOString(),
    verificationMethod: record.verificationMethod,
    links: { json: url, jwt: `${url}/jwt`, page: url, shortLink: shortLinkUrl(publicUrl, record.id) },
    credential: document,
    jwt: record.jwt,
    decision: record.decision,
    status: statusView(publicUrl, record, slots),
  };
}
