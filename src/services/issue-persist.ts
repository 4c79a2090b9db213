import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { type CredentialRecord, insertCredential } from "../storage/credentials-repo.js";
import type { Db } from "../storage/db.js";
import { markEvaluationDue } from "../storage/evaluations-due-repo.js";
import { upsertRecipient } from "../storage/recipients-repo.js";
import { assignStatusSlots } from "../storage/status-entries-repo.js";
import type { ServiceContext } from "./deps.js";
import { recordCredentialEvent } from "./events.js";
import { checkSupersedable, type IssueCredentialInput, type IssuePlan } from "./issue-plan.js";
import { heldCredentials, holdsValid } from "./person-state.js";
import { applyStatusChange } from "./status-changes.js";

/** The signed forms of the credential and the key generation that signed them. */
export type SignedCredential = { document: Record<string, unknown>; jwt: string; verificationMethod: string };

/** The row of a signed credential, as issued: nothing revoked or suspended yet. */
export function credentialRecordOf(
  input: IssueCredentialInput,
  plan: IssuePlan,
  signed: SignedCredential,
): CredentialRecord {
  return {
    id: plan.id,
    achievementId: plan.entry.id,
    achievementName: plan.entry.name,
    achievementVersion: plan.entry.version,
    recipientEmail: plan.email,
    recipientName: plan.name,
    validFrom: plan.validFrom,
    validUntil: plan.validUntil ?? null,
    document: JSON.stringify(signed.document),
    jwt: signed.jwt,
    verificationMethod: signed.verificationMethod,
    issuedBy: input.actor,
    createdAt: plan.now,
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
}

/**
 * Stores a signed credential in one write transaction: its row, recipient and status entries, the audit entry, the
 * `credential.issued` event, the recipient's due evaluation (a credential held can complete other certifications), and
 * the supersession of the credential it replaces. Returns the status lists whose bits changed, to be re-signed once
 * it is committed.
 */
export function persistIssue(
  ctx: ServiceContext,
  input: IssueCredentialInput,
  plan: IssuePlan,
  record: CredentialRecord,
): string[] {
  const { db } = ctx;
  return db.transaction(
    () => {
      if (input.unlessHeld) {
        refuseIfHeld(db, input, plan);
      }
      const old = input.supersedes ? checkSupersedable(db, input.supersedes, plan.entry.id) : undefined;
      const { achievementName: _name, recipientEmail: _email, ...row } = record;
      const recipientId = upsertRecipient(db, {
        newId: ctx.newId(),
        email: plan.email,
        name: plan.name,
        now: plan.now,
      });
      insertCredential(db, { ...row, recipientId });
      assignStatusSlots(db, plan.id, plan.slots);
      recordIssued(ctx, db, { input, plan, record, supersedes: old?.id });
      // Held from validFrom on: the evaluation that counts it cannot be complete before then.
      markEvaluationDue(db, plan.email, { mark: ctx.newId(), at: plan.now, notBefore: plan.validFrom });
      if (!old) {
        return [];
      }
      const why = { reason: input.reason ?? "superseded", reasonPublic: !input.reason };
      return applyStatusChange(ctx, db, "supersede", old, {
        at: plan.now,
        actor: input.actor,
        ...why,
        supersededBy: plan.id,
      });
    },
    // Take the write lock up front: a read-then-write deferred transaction can fail with
    // SQLITE_BUSY_SNAPSHOT when another process (the CLI) writes in between.
    { behavior: "immediate" },
  );
}

/** A suspended credential still blocks a second award: suspension is not to be sidestepped by re-awarding. */
function refuseIfHeld(db: Db, input: IssueCredentialInput, plan: IssuePlan): void {
  const held = heldCredentials(db, plan.email).filter((h) => h.credentialId !== input.supersedes);
  if (holdsValid(held, plan.entry.id, plan.now, { countSuspended: true })) {
    throw new AppError(
      "CONFLICT",
      `${plan.email} already holds a ${plan.entry.id} credential that is valid or suspended`,
    );
  }
}

/** The audit entry and the `credential.issued` event of a stored credential. */
function recordIssued(
  ctx: ServiceContext,
  db: Db,
  issued: { input: IssueCredentialInput; plan: IssuePlan; record: CredentialRecord; supersedes?: string },
): void {
  const { input, plan, record, supersedes } = issued;
  appendAudit(db, {
    at: plan.now,
    actor: input.actor,
    action: "credential.issued",
    targetType: "credential",
    targetId: plan.id,
    details: {
      achievementId: plan.entry.id,
      achievementVersion: plan.entry.version,
      statusEntries: plan.slots.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
      ...(supersedes ? { supersedes } : {}),
      ...(supersedes && input.reason ? { reason: input.reason } : {}),
    },
  });
  recordCredentialEvent(ctx, db, {
    type: "credential.issued",
    at: plan.now,
    credential: record,
    details: {
      validFrom: plan.validFrom.toISOString(),
      validUntil: plan.validUntil?.toISOString() ?? null,
      ...(supersedes ? { supersedes } : {}),
    },
  });
}
