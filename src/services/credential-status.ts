import { awardedDateOf } from "../domain/credential/build.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import type { Ob3Evidence, Ob3Result } from "../domain/criteria/decision.js";
import type { StatusPurpose } from "../domain/status/status-list-credential.js";
import { MAX_REASON_LENGTH, type StatusOperation, transitionProblem } from "../domain/status/transitions.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import {
  type CredentialRecord,
  findCredential,
  markReinstated,
  markRevoked,
  markSuspended,
} from "../storage/credentials-repo.js";
import type { Db } from "../storage/db.js";
import { setStatusBit, slotsOf } from "../storage/status-entries-repo.js";
import type { CredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { type EventType, recordCredentialEvent } from "./events.js";
import { issueCredential } from "./issue-credential.js";
import { getCredential } from "./read-credentials.js";
import { refreshStatusList } from "./status-lists.js";

export type StatusChangeInput = {
  credentialId: string;
  /** Why (required, audited). */
  reason: string;
  /** Whether the reason is shown on the credential's public page (revoke and suspend; default false). */
  reasonPublic?: boolean;
  /** The audit actor, e.g. `api-key:<id>` or `cli`. */
  actor: string;
};

function cleanReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0) {
    throw validationError([{ path: "reason", message: "is required: say why" }]);
  }
  if (trimmed.length > MAX_REASON_LENGTH) {
    throw validationError([{ path: "reason", message: `must be at most ${MAX_REASON_LENGTH} characters` }]);
  }
  return trimmed;
}

function findOrThrow(db: Db, id: string): CredentialRecord {
  const record = findCredential(db, id);
  if (!record) {
    throw new AppError("NOT_FOUND", `No credential "${id}"`);
  }
  return record;
}

/** Throws 409 naming why `operation` is not allowed now. */
function assertAllowed(db: Db, record: CredentialRecord, operation: StatusOperation): void {
  const suspendable = slotsOf(db, record.id).some((s) => s.purpose === "suspension");
  const problem = transitionProblem(operation, { ...record, suspendable });
  if (problem) {
    throw new AppError("CONFLICT", `Cannot ${operation} credential ${record.id}: it ${problem}`, {
      credentialId: record.id,
    });
  }
}

type Change = {
  operation: "revoke" | "suspend" | "reinstate";
  purpose: StatusPurpose;
  bit: boolean;
  event: EventType;
  /** Updates the row; false when the state moved meanwhile. */
  apply: (db: Db, id: string, at: Date, reason: string, reasonPublic: boolean) => boolean;
};

const CHANGES: Record<Change["operation"], Change> = {
  revoke: {
    operation: "revoke",
    purpose: "revocation",
    bit: true,
    event: "credential.revoked",
    apply: (db, id, at, reason, reasonPublic) => markRevoked(db, id, { at, reason, reasonPublic }),
  },
  suspend: {
    operation: "suspend",
    purpose: "suspension",
    bit: true,
    event: "credential.suspended",
    apply: (db, id, at, reason, reasonPublic) => markSuspended(db, id, { at, reason, reasonPublic }),
  },
  reinstate: {
    operation: "reinstate",
    purpose: "suspension",
    bit: false,
    event: "credential.reinstated",
    apply: (db, id) => markReinstated(db, id),
  },
};

/**
 * One status change in one write transaction (state, status bit, audit entry, event), then the re-signing of the
 * changed list before returning, so the next GET of the list serves the new bit.
 */
async function changeStatus(ctx: ServiceContext, change: Change, input: StatusChangeInput): Promise<CredentialView> {
  const reason = cleanReason(input.reason);
  const reasonPublic = change.operation !== "reinstate" && input.reasonPublic === true;
  const { db } = ctx;
  const now = ctx.clock();
  const changedLists = db.transaction(
    () => {
      const record = findOrThrow(db, input.credentialId);
      assertAllowed(db, record, change.operation);
      if (!change.apply(db, record.id, now, reason, reasonPublic)) {
        throw new AppError("CONFLICT", `Credential ${record.id} changed meanwhile: read it again`);
      }
      const slots = slotsOf(db, record.id).filter((s) => s.purpose === change.purpose);
      const lists = slots.filter((slot) => setStatusBit(db, slot, change.bit)).map((slot) => slot.listId);
      appendAudit(db, {
        at: now,
        actor: input.actor,
        action: change.event,
        targetType: "credential",
        targetId: record.id,
        details: {
          reason,
          ...(change.operation === "reinstate" ? {} : { reasonPublic }),
          statusEntries: slots.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
        },
      });
      recordCredentialEvent(ctx, db, {
        type: change.event,
        at: now,
        credential: record,
        details: { reason, ...(change.operation === "reinstate" ? {} : { reasonPublic }) },
      });
      return lists;
    },
    { behavior: "immediate" },
  );
  for (const listId of changedLists) {
    await refreshStatusList(ctx, listId);
  }
  ctx.logger.info(`credential ${change.operation}d`, { credentialId: input.credentialId, actor: input.actor });
  return getCredential(ctx, input.credentialId);
}

/** Revokes (final; a suspended credential may be revoked). The reason is public only when asked. */
export function revokeCredential(ctx: ServiceContext, input: StatusChangeInput): Promise<CredentialView> {
  return changeStatus(ctx, CHANGES.revoke, input);
}

/** Suspends an active credential whose certification allows suspension. */
export function suspendCredential(ctx: ServiceContext, input: StatusChangeInput): Promise<CredentialView> {
  return changeStatus(ctx, CHANGES.suspend, input);
}

/** Lifts the suspension of a suspended, unrevoked credential. */
export function reinstateCredential(
  ctx: ServiceContext,
  input: Omit<StatusChangeInput, "reasonPublic">,
): Promise<CredentialView> {
  return changeStatus(ctx, CHANGES.reinstate, input);
}

export type ReissueInput = {
  credentialId: string;
  recipient: { name?: string; email?: string };
  reason: string;
  actor: string;
};

/**
 * Corrects the recipient's name and/or email: a new credential of the same certification, with the same evidence,
 * results, expiry and original `awardedDate`, that supersedes the old one (revoked as "superseded", linked both
 * ways) in the same write transaction.
 */
export async function reissueCredential(
  ctx: ServiceContext,
  input: ReissueInput,
): Promise<{ credential: CredentialView; superseded: CredentialView }> {
  const reason = cleanReason(input.reason);
  const old = findOrThrow(ctx.db, input.credentialId);
  const name = input.recipient.name?.trim() || old.recipientName;
  const email = input.recipient.email ? normaliseEmail(input.recipient.email) : old.recipientEmail;
  const corrected = [
    ...(name !== old.recipientName ? ["name"] : []),
    ...(email !== old.recipientEmail ? ["email"] : []),
  ];
  if (corrected.length === 0) {
    throw validationError([
      { path: "recipient", message: "give a corrected name or email (what was given equals the credential's)" },
    ]);
  }
  assertAllowed(ctx.db, old, "reissue");
  const document = JSON.parse(old.document) as {
    awardedDate?: string;
    evidence?: Ob3Evidence[];
    credentialSubject?: { result?: Ob3Result[] };
  };
  const credential = await issueCredential(ctx, {
    achievementId: old.achievementId,
    recipient: { email, name },
    actor: input.actor,
    decision: {
      evidence: document.evidence ?? [],
      results: document.credentialSubject?.result ?? [],
      record: { ...(old.decision ?? {}), reissueOf: old.id, corrected },
    },
    awardedDate: awardedDateOf(document) ?? old.validFrom,
    validUntil: old.validUntil,
    supersedes: old.id,
    reason: `reissue (${corrected.join(" and ")} corrected): ${reason}`,
  });
  return { credential, superseded: getCredential(ctx, old.id) };
}
