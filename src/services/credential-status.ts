import { awardedDateOf } from "../domain/credential/build.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import type { Ob3Evidence, Ob3Result } from "../domain/criteria/decision.js";
import { MAX_REASON_LENGTH, type StatusOperation, transitionProblem } from "../domain/status/transitions.js";
import { AppError, validationError } from "../errors.js";
import { type CredentialRecord, findCredential } from "../storage/credentials-repo.js";
import { slotsOf } from "../storage/status-entries-repo.js";
import type { Conn } from "../storage/store.js";
import { awardAfterChange } from "./award-due.js";
import type { CredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { issueCredential } from "./issue-credential.js";
import { getCredential } from "./read-credentials.js";
import { applyStatusChange } from "./status-changes.js";
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

async function findOrThrow(db: Conn, id: string): Promise<CredentialRecord> {
  const record = await findCredential(db, id);
  if (!record) {
    throw new AppError("NOT_FOUND", `No credential "${id}"`);
  }
  return record;
}

/** Throws 409 naming why `operation` is not allowed now. */
async function assertAllowed(db: Conn, record: CredentialRecord, operation: StatusOperation): Promise<void> {
  const suspendable = (await slotsOf(db, record.id)).some((s) => s.purpose === "suspension");
  const problem = transitionProblem(operation, { ...record, suspendable });
  if (problem) {
    throw new AppError("CONFLICT", `Cannot ${operation} credential ${record.id}: it ${problem}`, {
      credentialId: record.id,
    });
  }
}

/**
 * One status change in one write transaction (state, status bit, audit entry, event, the recipient's due evaluation),
 * then the re-signing of the changed list before returning, so the next GET of the list serves the new bit, and the
 * recipient's evaluation.
 */
async function changeStatus(
  ctx: ServiceContext,
  operation: "revoke" | "suspend" | "reinstate",
  input: StatusChangeInput,
): Promise<CredentialView> {
  const reason = cleanReason(input.reason);
  const reasonPublic = operation !== "reinstate" && input.reasonPublic === true;
  const facts = { at: ctx.clock(), actor: input.actor, reason, reasonPublic };
  const { recipient, changedLists } = await ctx.store.tx(async (tx) => {
    const record = await findOrThrow(tx, input.credentialId);
    await assertAllowed(tx, record, operation);
    return {
      recipient: record.recipientEmail,
      changedLists: await applyStatusChange(ctx, tx, operation, record, facts),
    };
  });
  for (const listId of changedLists) {
    await refreshStatusList(ctx, listId);
  }
  ctx.logger.info(`credential ${operation}d`, { credentialId: input.credentialId, actor: input.actor });
  // A reinstated prerequisite completes what it completed before (a revocation, by the re-award rule, nothing).
  await awardAfterChange(ctx, [recipient]);
  return await getCredential(ctx, input.credentialId);
}

/** Revokes (final; a suspended credential may be revoked). The reason is public only when asked. */
export function revokeCredential(ctx: ServiceContext, input: StatusChangeInput): Promise<CredentialView> {
  return changeStatus(ctx, "revoke", input);
}

/** Suspends an active credential whose certification allows suspension. */
export function suspendCredential(ctx: ServiceContext, input: StatusChangeInput): Promise<CredentialView> {
  return changeStatus(ctx, "suspend", input);
}

/** Lifts the suspension of a suspended, unrevoked credential. */
export function reinstateCredential(
  ctx: ServiceContext,
  input: Omit<StatusChangeInput, "reasonPublic">,
): Promise<CredentialView> {
  return changeStatus(ctx, "reinstate", input);
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
  const old = await findOrThrow(ctx.store.conn(), input.credentialId);
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
  await assertAllowed(ctx.store.conn(), old, "reissue");
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
  // A corrected email moved the credential to another person: both are evaluated.
  await awardAfterChange(ctx, [email, old.recipientEmail]);
  return { credential, superseded: await getCredential(ctx, old.id) };
}
