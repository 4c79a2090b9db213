import { randomUUID } from "node:crypto";
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

/** The views whose `credential` was not read yet, with its JSON text (the stored document): see credentialViewJson. */
const unparsed = new WeakMap<CredentialView, string>();

/**
 * `credential` is the parsed document when the caller already holds it; null: the record's stored text, parsed the
 * first time the view's `credential` is read (an issuance answered over HTTP never reads it: credentialViewJson).
 */
export function toCredentialView(
  publicUrl: string,
  credential: Record<string, unknown> | null,
  record: CredentialRecord,
  slots: StatusSlot[],
): CredentialView {
  const url = credentialUrl(publicUrl, record.id);
  let document = credential;
  const view: CredentialView = {
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
    get credential(): Record<string, unknown> {
      if (document === null) {
        document = JSON.parse(record.document) as Record<string, unknown>;
        unparsed.delete(view);
      }
      return document;
    },
    set credential(value: Record<string, unknown>) {
      document = value;
      unparsed.delete(view);
    },
    jwt: record.jwt,
    decision: record.decision,
    status: statusView(publicUrl, record, slots),
  };
  if (document === null) {
    unparsed.set(view, record.document);
  }
  return view;
}

/** A token no view's text can hold by chance (random per process): where credentialViewJson puts the document. */
const CREDENTIAL_SLOT = `credential-${randomUUID()}`;

/**
 * `JSON.stringify(view)`, the same text, without parsing the stored document of a view whose `credential` was not
 * read: the view is serialised with a random token in its place, replaced by the stored text (itself
 * `JSON.stringify` of the signed document, so the bytes are those of serialising the parsed document).
 */
export function credentialViewJson(view: CredentialView): string {
  const text = unparsed.get(view);
  if (text === undefined) {
    return JSON.stringify(view);
  }
  const shell: Record<string, unknown> = {};
  for (const key of Object.keys(view)) {
    shell[key] = key === "credential" ? CREDENTIAL_SLOT : view[key as keyof CredentialView];
  }
  const json = JSON.stringify(shell);
  const token = JSON.stringify(CREDENTIAL_SLOT);
  const at = json.indexOf(token);
  if (at === -1 || json.indexOf(token, at + token.length) !== -1) {
    return JSON.stringify(view); // fail-closed: the token is not where the document goes, alone
  }
  return json.slice(0, at) + text + json.slice(at + token.length);
}
