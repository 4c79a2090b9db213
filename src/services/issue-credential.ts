import { signDataIntegrity } from "../crypto/data-integrity.js";
import { detachJwtPayload, signVcJwt } from "../crypto/vc-jwt.js";
import { toOb3Achievement, validUntilFor } from "../domain/achievement.js";
import { buildOpenBadgeCredential } from "../domain/credential/build.js";
import { normaliseEmail, recipientIdentifiers } from "../domain/credential/identity.js";
import { validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { insertCredential } from "../storage/credentials-repo.js";
import { upsertRecipient } from "../storage/recipients-repo.js";
import { type CredentialView, credentialUrl, toCredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";

export type IssueCredentialInput = {
  achievementId: string;
  recipient: { email: string; name: string };
  actor: string;
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
  });
  const signer = ctx.keyring.active;
  const document = await signDataIntegrity({
    credential: unsigned,
    signer,
    documentLoader: ctx.documentLoader,
    now: validFrom,
  });
  const jwt = await signVcJwt({ credential: document, kid: signer.jwtKid, privateKey: signer.jwtPrivateKey });
  const jwtDetached = detachJwtPayload(jwt);

  const documentJson = JSON.stringify(document);
  const { db } = ctx;
  db.transaction(() => {
    const recipientId = upsertRecipient(db, { newId: ctx.newId(), email, name, now });
    insertCredential(db, {
      id,
      achievementId: entry.id,
      achievementVersion: entry.version,
      recipientId,
      recipientName: name,
      validFrom,
      validUntil: validUntil ?? null,
      document: documentJson,
      jwtDetached,
      verificationMethod: signer.verificationMethod,
      issuedBy: input.actor,
      createdAt: now,
    });
    appendAudit(db, {
      at: now,
      actor: input.actor,
      action: "credential.issued",
      targetType: "credential",
      targetId: id,
      details: { achievementId: entry.id, achievementVersion: entry.version },
    });
  });
  ctx.logger.info("credential issued", { credentialId: id, achievementId: entry.id, actor: input.actor });

  return toCredentialView(
    ctx.config.publicUrl,
    { credential: document, jwt },
    {
      id,
      achievementId: entry.id,
      achievementName: entry.name,
      achievementVersion: entry.version,
      recipientEmail: email,
      recipientName: name,
      validFrom,
      validUntil: validUntil ?? null,
      document: documentJson,
      jwtDetached,
      verificationMethod: signer.verificationMethod,
      issuedBy: input.actor,
      createdAt: now,
    },
  );
}
