import { signDataIntegrity } from "../crypto/data-integrity.js";
import { signVcJwt } from "../crypto/vc-jwt.js";
import { toOb3Achievement, validUntilFor } from "../domain/achievement.js";
import { buildOpenBadgeCredential } from "../domain/credential/build.js";
import { normaliseEmail, recipientIdentifiers } from "../domain/credential/identity.js";
import type { Ob3Evidence, Ob3Result } from "../domain/criteria/decision.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { type CredentialRecord, insertCredential } from "../storage/credentials-repo.js";
import { upsertRecipient } from "../storage/recipients-repo.js";
import { type CredentialView, credentialUrl, toCredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { heldCredentials, holdsValid } from "./person-state.js";

export type IssueCredentialInput = {
  achievementId: string;
  recipient: { email: string; name: string };
  actor: string;
  /** Set by automatic awards: what the credential carries, and the decision record kept beside it. */
  decision?: { evidence: Ob3Evidence[]; results: Ob3Result[]; record: Record<string, unknown> };
  /** Refuse (409) when the recipient already holds a valid credential of it: checked in the write transaction. */
  unlessHeld?: boolean;
};

/**
 * Issues one credential: build → sign (Data Integrity, then VC-JWT over the signed document, as
 * OB 3.0 §8 orders them) → persist the document, its recipient and the audit entry in one
 * synchronous transaction. Signing happens outside the transaction.
 */
export async function issueCredential(ctx: ServiceContext, input: IssueCredentialInput): Promise<CredentialView> {
  const entry = ctx.catalog.get(input.achievementId);
  if (!entry) {
    throw validationError([{ path: "achievementId", message: `unknown achievement "${input.achievementId}"` }]);
  }
  const now = ctx.clock();
  const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const validUntil = validUntilFor(entry, validFrom);
  const id = ctx.newId();
  const email = normaliseEmail(input.recipient.email);
  const name = input.recipient.name.trim();

  const unsigned = buildOpenBadgeCredential({
    id: credentialUrl(ctx.config.publicUrl, id),
    issuer: ctx.issuer,
    achievement: toOb3Achievement(entry, ctx.config.publicUrl),
    identifiers: recipientIdentifiers({ email, name }, ctx.newSalt()),
    validFrom,
    validUntil,
    evidence: input.decision?.evidence,
    results: input.decision?.results,
  });
  const signer = ctx.keyring.active;
  const document = await signDataIntegrity({
    credential: unsigned,
    signer,
    documentLoader: ctx.documentLoader,
    now: validFrom,
  });
  const jwt = await signVcJwt({ credential: document, kid: signer.jwtKid, privateKey: signer.jwtPrivateKey });
  const record: CredentialRecord = {
    id,
    achievementId: entry.id,
    achievementName: entry.name,
    achievementVersion: entry.version,
    recipientEmail: email,
    recipientName: name,
    validFrom,
    validUntil: validUntil ?? null,
    document: JSON.stringify(document),
    jwt,
    verificationMethod: signer.verificationMethod,
    issuedBy: input.actor,
    createdAt: now,
    decision: input.decision?.record ?? null,
  };
  const { db } = ctx;
  db.transaction(
    () => {
      if (input.unlessHeld && holdsValid(heldCredentials(db, email), entry.id, now)) {
        throw new AppError("CONFLICT", `${email} already holds a valid ${entry.id} credential`);
      }
      const { achievementName: _name, recipientEmail: _email, ...row } = record;
      const recipientId = upsertRecipient(db, { newId: ctx.newId(), email, name, now });
      insertCredential(db, { ...row, recipientId });
      appendAudit(db, {
        at: now,
        actor: input.actor,
        action: "credential.issued",
        targetType: "credential",
        targetId: id,
        details: { achievementId: entry.id, achievementVersion: entry.version },
      });
    },
    // Take the write lock up front: a read-then-write deferred transaction can fail with
    // SQLITE_BUSY_SNAPSHOT when another process (the CLI) writes in between.
    { behavior: "immediate" },
  );
  ctx.logger.info("credential issued", { credentialId: id, achievementId: entry.id, actor: input.actor });
  return toCredentialView(ctx.config.publicUrl, document, record);
}
