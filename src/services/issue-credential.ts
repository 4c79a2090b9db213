import { signDataIntegrity } from "../crypto/data-integrity.js";
import { signVcJwt } from "../crypto/vc-jwt.js";
import { toOb3Achievement, validUntilFor } from "../domain/achievement.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { buildOpenBadgeCredential } from "../domain/credential/build.js";
import { normaliseEmail, recipientIdentifiers } from "../domain/credential/identity.js";
import type { Ob3Evidence, Ob3Result } from "../domain/criteria/decision.js";
import {
  credentialStatusValue,
  type StatusPurpose,
  type StatusSlot,
  statusListEntry,
} from "../domain/status/status-list-credential.js";
import { transitionProblem } from "../domain/status/transitions.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { type CredentialRecord, findCredential, insertCredential, markRevoked } from "../storage/credentials-repo.js";
import type { Db } from "../storage/db.js";
import { upsertRecipient } from "../storage/recipients-repo.js";
import { assignStatusSlots, setStatusBit, slotsOf } from "../storage/status-entries-repo.js";
import { type CredentialView, credentialUrl, toCredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { recordCredentialEvent } from "./events.js";
import { heldCredentials, holdsValid } from "./person-state.js";
import { refreshStatusList, reserveStatusSlots } from "./status-lists.js";

export type IssueCredentialInput = {
  achievementId: string;
  recipient: { email: string; name: string };
  actor: string;
  /** Set by automatic awards: what the credential carries, and the decision record kept beside it. */
  decision?: { evidence: Ob3Evidence[]; results: Ob3Result[]; record: Record<string, unknown> };
  /**
   * Refuse (409) when the recipient already holds a valid (or suspended) credential of it: checked in the write transaction. The
   * credential named by `supersedes` does not count (a renewal replaces it).
   */
  unlessHeld?: boolean;
  /** The original award date, kept when this credential replaces an earlier one (default: its validFrom). */
  awardedDate?: Date;
  /**
   * Id of a credential this one replaces (same certification): in the same write transaction it is revoked as
   * "superseded" (publicly), and both are linked; its revocation list is re-signed before this returns.
   */
  supersedes?: string;
  /** Keep this expiry instead of computing it from the definition (a reissue corrects details, not validity). */
  validUntil?: Date | null;
  /** Why it replaces `supersedes` (audited with the superseded credential), e.g. the correction of a reissue. */
  reason?: string;
};

/** The status purposes a credential of this certification carries: revocation always, suspension on opt-in. */
export function statusPurposesFor(entry: CatalogEntry): StatusPurpose[] {
  return entry.suspendable === true ? ["revocation", "suspension"] : ["revocation"];
}

/** The credential being replaced, if it may be: same certification, neither revoked nor suspended. */
function checkSupersedable(db: Db, id: string, achievementId: string): CredentialRecord {
  const old = findCredential(db, id);
  if (!old) {
    throw validationError([{ path: "supersedes", message: `no credential "${id}"` }]);
  }
  if (old.achievementId !== achievementId) {
    throw validationError([
      { path: "supersedes", message: `credential ${id} is of ${old.achievementId}, not ${achievementId}` },
    ]);
  }
  const problem = transitionProblem("supersede", {
    revokedAt: old.revokedAt,
    suspendedAt: old.suspendedAt,
    supersededBy: old.supersededBy,
    suspendable: true,
  });
  if (problem) {
    throw new AppError("CONFLICT", `Credential ${id} cannot be superseded: it ${problem}`, { credentialId: id });
  }
  return old;
}

/**
 * Issues one credential: reserve its status indexes (committed on their own) → build → sign (Data Integrity, then
 * VC-JWT over the signed document, as OB 3.0 §8 orders them) → persist the document, its recipient, its status
 * entries, the audit entry and the `credential.issued` event in one synchronous transaction (which also supersedes
 * the credential it replaces). Signing happens outside the transactions.
 */
export async function issueCredential(ctx: ServiceContext, input: IssueCredentialInput): Promise<CredentialView> {
  const entry = ctx.catalog.get(input.achievementId);
  if (!entry) {
    throw validationError([{ path: "achievementId", message: `unknown achievement "${input.achievementId}"` }]);
  }
  if (input.supersedes) {
    checkSupersedable(ctx.db, input.supersedes, entry.id);
  }
  const now = ctx.clock();
  const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const validUntil =
    input.validUntil !== undefined
      ? (input.validUntil ?? undefined)
      : validUntilFor(entry, validFrom, { fiscalYearStartMonth: ctx.config.fiscalYearStartMonth });
  const id = ctx.newId();
  const email = normaliseEmail(input.recipient.email);
  const name = input.recipient.name.trim();

  const slots = reserveStatusSlots(ctx, statusPurposesFor(entry));
  const unsigned = buildOpenBadgeCredential({
    id: credentialUrl(ctx.config.publicUrl, id),
    issuer: ctx.issuer,
    achievement: toOb3Achievement(entry, ctx.config.publicUrl),
    identifiers: recipientIdentifiers({ email, name }, ctx.newSalt()),
    validFrom,
    validUntil,
    awardedDate: input.awardedDate,
    evidence: input.decision?.evidence,
    results: input.decision?.results,
    credentialStatus: credentialStatusValue(slots.map((slot) => statusListEntry(ctx.config.publicUrl, slot))),
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
    revokedAt: null,
    revocationReason: null,
    revocationReasonPublic: null,
    suspendedAt: null,
    suspensionReason: null,
    suspensionReasonPublic: null,
    supersededBy: null,
    supersedes: input.supersedes ?? null,
  };
  const { db } = ctx;
  const resign = db.transaction(
    () => {
      if (input.unlessHeld) {
        const held = heldCredentials(db, email).filter((h) => h.credentialId !== input.supersedes);
        // a suspended credential still blocks a second award: suspension is not to be sidestepped by re-awarding
        if (holdsValid(held, entry.id, now, { countSuspended: true })) {
          throw new AppError("CONFLICT", `${email} already holds a ${entry.id} credential that is valid or suspended`);
        }
      }
      const old = input.supersedes ? checkSupersedable(db, input.supersedes, entry.id) : undefined;
      const { achievementName: _name, recipientEmail: _email, ...row } = record;
      const recipientId = upsertRecipient(db, { newId: ctx.newId(), email, name, now });
      insertCredential(db, { ...row, recipientId });
      assignStatusSlots(db, id, slots);
      appendAudit(db, {
        at: now,
        actor: input.actor,
        action: "credential.issued",
        targetType: "credential",
        targetId: id,
        details: {
          achievementId: entry.id,
          achievementVersion: entry.version,
          statusEntries: slots.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
          ...(old ? { supersedes: old.id } : {}),
          ...(old && input.reason ? { reason: input.reason } : {}),
        },
      });
      recordCredentialEvent(ctx, db, {
        type: "credential.issued",
        at: now,
        credential: record,
        details: {
          validFrom: validFrom.toISOString(),
          validUntil: validUntil?.toISOString() ?? null,
          ...(old ? { supersedes: old.id } : {}),
        },
      });
      return old ? supersede(ctx, db, old, { by: id, at: now, actor: input.actor, reason: input.reason }) : [];
    },
    // Take the write lock up front: a read-then-write deferred transaction can fail with
    // SQLITE_BUSY_SNAPSHOT when another process (the CLI) writes in between.
    { behavior: "immediate" },
  );
  for (const listId of resign) {
    await refreshStatusList(ctx, listId);
  }
  ctx.logger.info("credential issued", { credentialId: id, achievementId: entry.id, actor: input.actor });
  return toCredentialView(ctx.config.publicUrl, document, record, slots);
}

/**
 * Revokes `old` as superseded by `by` (public reason "superseded"), links it forward, audits it and emits
 * `credential.superseded`. Runs inside the issuing transaction; returns the lists whose bits changed.
 */
function supersede(
  ctx: ServiceContext,
  db: Db,
  old: CredentialRecord,
  change: { by: string; at: Date; actor: string; reason?: string },
): string[] {
  if (!markRevoked(db, old.id, { at: change.at, reason: "superseded", reasonPublic: true, supersededBy: change.by })) {
    throw new AppError("CONFLICT", `Credential ${old.id} cannot be superseded: it was revoked meanwhile`);
  }
  const revocation = slotsOf(db, old.id).filter((s: StatusSlot) => s.purpose === "revocation");
  const changed = revocation.filter((slot) => setStatusBit(db, slot, true)).map((slot) => slot.listId);
  appendAudit(db, {
    at: change.at,
    actor: change.actor,
    action: "credential.superseded",
    targetType: "credential",
    targetId: old.id,
    details: { supersededBy: change.by, reason: change.reason ?? "superseded", reasonPublic: !change.reason },
  });
  recordCredentialEvent(ctx, db, {
    type: "credential.superseded",
    at: change.at,
    credential: old,
    details: { supersededBy: change.by, reason: "superseded" },
  });
  return changed;
}
