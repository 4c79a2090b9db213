import { timeOrderedId } from "../domain/time-ordered-id.js";
import { AppError } from "../errors.js";
import { type AuditEntry, appendAudit, appendAudits } from "../storage/audit-repo.js";
import {
  type CredentialRecord,
  findCredential,
  insertCredential,
  insertCredentials,
} from "../storage/credentials-repo.js";
import { markEvaluationDue, markEvaluationsDue } from "../storage/evaluations-due-repo.js";
import { appendEvents } from "../storage/events-repo.js";
import { upsertRecipient, upsertRecipients } from "../storage/recipients-repo.js";
import { assignStatusSlots, assignStatusSlotsMany } from "../storage/status-entries-repo.js";
import type { Tx } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";
import { credentialEventRow, recordCredentialEvent } from "./events.js";
import { checkSupersedable, type IssueCredentialInput, type IssuePlan } from "./issue-plan.js";
import { heldCredentials, holdsValid } from "./person-state.js";
import { applyStatusChange } from "./status-changes.js";

/**
 * The signed forms of the credential and the key generation that signed them; `json`, when given, is
 * `JSON.stringify(document)` (the signing thread's), stored as it is.
 */
export type SignedCredential = {
  document: Record<string, unknown>;
  json?: string;
  jwt: string;
  verificationMethod: string;
};

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
    document: signed.json ?? JSON.stringify(signed.document),
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
): Promise<string[]> {
  return ctx.store.tx(async (tx) => {
    // The person's awards take turns across processes and nodes: the "already holds" check below sees every
    // credential issued to them before this one.
    await ctx.store.lock(tx, `person:${plan.email}`);
    const old = await checkIssuable(ctx, tx, input, plan);
    return writeIssued(ctx, tx, { input, plan, record, old });
  });
}

/**
 * What must still hold when a signed credential is stored (inside its write transaction, the person's lock taken,
 * before anything is written): the recipient does not already hold one (`unlessHeld`), the credential it replaces may
 * still be superseded (returned). Throws an AppError otherwise.
 */
export async function checkIssuable(
  ctx: ServiceContext,
  tx: Tx,
  input: IssueCredentialInput,
  plan: IssuePlan,
): Promise<CredentialRecord | undefined> {
  // A reissue may go to another person (a corrected email): the replaced credential is locked too, so two reissues
  // of it at once replace it once and the other is refused, never a unique-key failure.
  if (input.supersedes) {
    await ctx.store.lock(tx, `credential:${input.supersedes}`);
  }
  if (input.id !== undefined && (await findCredential(tx, input.id))) {
    throw new AppError("CONFLICT", `A credential with id ${input.id} was already issued`, { credentialId: input.id });
  }
  if (input.unlessHeld) {
    await refuseIfHeld(tx, input, plan);
  }
  return input.supersedes ? await checkSupersedable(tx, input.supersedes, plan.entry.id) : undefined;
}

/**
 * The writes of a stored credential (see persistIssue); returns the status lists to re-sign after the commit.
 * `settled`: nothing can be awarded to the recipient (nothingToAward, read in this transaction), so they are not
 * marked due: the caller does not evaluate them either.
 */
export async function writeIssued(
  ctx: ServiceContext,
  tx: Tx,
  issued: {
    input: IssueCredentialInput;
    plan: IssuePlan;
    record: CredentialRecord;
    old?: CredentialRecord;
    settled?: boolean;
  },
): Promise<string[]> {
  const { input, plan, record, old, settled = false } = issued;
  const { achievementName: _name, recipientEmail: _email, ...row } = record;
  const recipientId = await upsertRecipient(tx, {
    newId: timeOrderedId(plan.now, ctx.newId()),
    email: plan.email,
    name: plan.name,
    now: plan.now,
  });
  await insertCredential(tx, { ...row, recipientId });
  await assignStatusSlots(tx, plan.id, plan.slots);
  await recordIssued(ctx, tx, { input, plan, record, supersedes: old?.id });
  if (!settled) {
    // Held from validFrom on: the evaluation that counts it cannot be complete before then.
    await markEvaluationDue(tx, plan.email, {
      mark: timeOrderedId(plan.now, ctx.newId()),
      at: plan.now,
      notBefore: plan.validFrom,
    });
  }
  if (!old) {
    return [];
  }
  const why = { reason: input.reason ?? "superseded", reasonPublic: !input.reason };
  return applyStatusChange(ctx, tx, "supersede", old, {
    at: plan.now,
    actor: input.actor,
    ...why,
    supersededBy: plan.id,
  });
}

/** A stored credential that replaces none, its writes left to writeIssuedMany (see writeIssued). */
export type NewIssue = { input: IssueCredentialInput; plan: IssuePlan; record: CredentialRecord; settled: boolean };

/**
 * The writes of stored credentials that replace none, as writeIssued makes them one after the other (the same rows,
 * ids drawn in the same order), each kind in one statement for them all (a hundred at most), not one per credential:
 * recipients, credential rows, status entries, audit entries, `credential.issued` events, due evaluations. Call it
 * only when no read of the transaction in between would have seen some of them (issue-credential.ts's persistBatch
 * writes what it holds first).
 */
export async function writeIssuedMany(ctx: ServiceContext, tx: Tx, issued: readonly NewIssue[]): Promise<void> {
  if (issued.length === 0) {
    return;
  }
  // ids drawn per credential in writeIssued's order: its recipient's, its event's, its due mark's; in time order, as
  // writeIssued's (a batch's rows side by side at the end of the indexes keyed by them: time-ordered-id.ts)
  const drawn = issued.map(({ plan, settled }) => ({
    recipient: timeOrderedId(plan.now, ctx.newId()),
    event: timeOrderedId(plan.now, ctx.newId()),
    mark: settled ? undefined : timeOrderedId(plan.now, ctx.newId()),
  }));
  const recipientIds = await upsertRecipients(
    tx,
    issued.map(({ plan }, i) => ({
      newId: (drawn[i] as { recipient: string }).recipient,
      email: plan.email,
      name: plan.name,
      now: plan.now,
    })),
  );
  await insertCredentials(
    tx,
    issued.map(({ record }, i) => {
      const { achievementName: _name, recipientEmail: _email, ...row } = record;
      return { ...row, recipientId: recipientIds[i] as string };
    }),
  );
  await assignStatusSlotsMany(
    tx,
    issued.map(({ plan }) => ({ credentialId: plan.id, slots: plan.slots })),
  );
  await appendAudits(
    tx,
    issued.map(({ input, plan }) => issuedAudit(input, plan)),
  );
  await appendEvents(
    tx,
    issued.map(({ plan, record }, i) =>
      credentialEventRow((drawn[i] as { event: string }).event, issuedEvent(plan, record)),
    ),
  );
  await markEvaluationsDue(
    tx,
    issued.flatMap(({ plan }, i) => {
      const mark = drawn[i]?.mark;
      return mark === undefined ? [] : [{ personEmail: plan.email, mark, at: plan.now, notBefore: plan.validFrom }];
    }),
  );
}

/**
 * A suspended credential still blocks a second award: suspension is not to be sidestepped by re-awarding. So does one
 * valid only from after this plan's time: another node, which planned later but signed faster, stored it while this
 * one was signing (its validFrom is its own planning second, after `plan.now`).
 */
async function refuseIfHeld(tx: Tx, input: IssueCredentialInput, plan: IssuePlan): Promise<void> {
  const held = (await heldCredentials(tx, plan.email)).filter((h) => h.credentialId !== input.supersedes);
  if (holdsValid(held, plan.entry.id, plan.now, { countSuspended: true, countNotYetValid: true })) {
    throw new AppError(
      "CONFLICT",
      `${plan.email} already holds a ${plan.entry.id} credential that is valid or suspended`,
    );
  }
}

/** The audit entry and the `credential.issued` event of a stored credential. */
async function recordIssued(
  ctx: ServiceContext,
  tx: Tx,
  issued: { input: IssueCredentialInput; plan: IssuePlan; record: CredentialRecord; supersedes?: string },
): Promise<void> {
  const { input, plan, record, supersedes } = issued;
  await appendAudit(tx, issuedAudit(input, plan, supersedes));
  await recordCredentialEvent(ctx, tx, issuedEvent(plan, record, supersedes));
}

/** The audit entry of a stored credential. */
function issuedAudit(input: IssueCredentialInput, plan: IssuePlan, supersedes?: string): AuditEntry {
  return {
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
  };
}

/** The `credential.issued` event of a stored credential. */
function issuedEvent(plan: IssuePlan, record: CredentialRecord, supersedes?: string) {
  return {
    type: "credential.issued" as const,
    at: plan.now,
    credential: record,
    details: {
      validFrom: plan.validFrom.toISOString(),
      validUntil: plan.validUntil?.toISOString() ?? null,
      ...(supersedes ? { supersedes } : {}),
    },
  };
}
