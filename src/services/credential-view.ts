import type { CredentialRecord } from "../storage/credentials-repo.js";

/** Public URL of a credential (its `id`): the signed JSON today, the verification page later. */
export function credentialUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/credentials/${id}`;
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
  links: { json: string; jwt: string };
  credential: Record<string, unknown>;
  jwt: string;
  /** Why it was awarded (automatic awards): definition version, evidence ids, report. */
  decision: Record<string, unknown> | null;
};

/** `credential` is the parsed document when the caller already holds it (issuance), saving a JSON.parse. */
export function toCredentialView(
  publicUrl: string,
  credential: Record<string, unknown> | null,
  record: CredentialRecord,
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
    links: { json: url, jwt: `${url}/jwt` },
    credential: document,
    jwt: record.jwt,
    decision: record.decision,
  };
}
