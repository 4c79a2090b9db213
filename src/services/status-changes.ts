import type { StatusPurpose } from "../domain/status/status-list-credential.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { type CredentialRecord, markReinstated, markRevoked, markSuspended } from "../storage/credentials-repo.js";
import { markEvaluationDue } from "../storage/evaluations-due-repo.js";
import { setStatusBit, slotsOf } from "../storage/status-entries-repo.js";
import type { Tx } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";
import { type EventType, recordCredentialEvent } from "./events.js";

/** The changes of a credential's status: the admin's three, and superseding by a reissue or renewal. */
export type StatusChangeOperation = "revoke" | "suspend" | "reinstate" | "supersede";

/** One change as its caller states it: when, by whom, why, and (superseding) by which credential. */
export type ChangeFacts = {
  at: Date;
  actor: string;
  /** The audited reason. Superseding: the reissue's correction, or "superseded" (a renewal). */
  reason: string;
  /** Whether the reason is public. Superseding: the stored reason ("superseded") always is. */
  reasonPublic: boolean;
  supersededBy?: string;
};

type StatusChange = {
  purpose: StatusPurpose;
  bit: boolean;
  event: EventType;
  /** Updates the row; false when the state moved meanwhile. */
  apply: (tx: Tx, id: string, facts: ChangeFacts) => Promise<boolean>;
  /** The 409's detail when the row moved between the caller's check and this write. */
  raced: (id: string) => string;
  /** What the audit entry records (`statusEntries`: the entries whose bit was set). */
  audited: (facts: ChangeFacts, statusEntries: string[]) => Record<string, unknown>;
  /** What the outbox event says. */
  announced: (facts: ChangeFacts) => Record<string, unknown>;
};

const changedMeanwhile = (id: string) => `Credential ${id} changed meanwhile: read it again`;
const withPublicReason = ({ reason, reasonPublic }: ChangeFacts) => ({ reason, reasonPublic });

/** The table of status changes: each row says what its change writes (row, status bit, audit entry, event). */
const CHANGES: Record<StatusChangeOperation, StatusChange> = {
  revoke: {
    purpose: "revocation",
    bit: true,
    event: "credential.revoked",
    apply: (tx, id, { at, reason, reasonPublic }) => markRevoked(tx, id, { at, reason, reasonPublic }),
    raced: changedMeanwhile,
    audited: (facts, statusEntries) => ({ ...withPublicReason(facts), statusEntries }),
    announced: withPublicReason,
  },
  suspend: {
    purpose: "suspension",
    bit: true,
    event: "credential.suspended",
    apply: (tx, id, { at, reason, reasonPublic }) => markSuspended(tx, id, { at, reason, reasonPublic }),
    raced: changedMeanwhile,
    audited: (facts, statusEntries) => ({ ...withPublicReason(facts), statusEntries }),
    announced: withPublicReason,
  },
  reinstate: {
    purpose: "suspension",
    bit: false,
    event: "credential.reinstated",
    apply: (tx, id) => markReinstated(tx, id),
    raced: changedMeanwhile,
    audited: ({ reason }, statusEntries) => ({ reason, statusEntries }),
    announced: ({ reason }) => ({ reason }),
  },
  // A revocation whose public reason is "superseded", linking the credential forward to the one that replaces it.
  supersede: {
    purpose: "revocation",
    bit: true,
    event: "credential.superseded",
    apply: (tx, id, { at, supersededBy }) =>
      markRevoked(tx, id, { at, reason: "superseded", reasonPublic: true, supersededBy }),
    raced: (id) => `Credential ${id} cannot be superseded: it was revoked meanwhile`,
    audited: ({ supersededBy, reason, reasonPublic }) => ({ supersededBy, reason, reasonPublic }),
    announced: ({ supersededBy }) => ({ supersededBy, reason: "superseded" }),
  },
};

/**
 * Applies one status change inside the caller's write transaction (the caller has checked that the transition is
 * allowed): the row, the status bit, the audit entry, the event, and the recipient's due evaluation (what they hold
 * changed, and with it what their criteria count: a prerequisite reinstated, a certification revoked). Returns the
 * lists whose bits changed, for the caller to re-sign once the transaction is committed.
 */
export async function applyStatusChange(
  ctx: ServiceContext,
  tx: Tx,
  operation: StatusChangeOperation,
  record: CredentialRecord,
  facts: ChangeFacts,
): Promise<string[]> {
  const change = CHANGES[operation];
  if (!(await change.apply(tx, record.id, facts))) {
    throw new AppError("CONFLICT", change.raced(record.id));
  }
  const slots = (await slotsOf(tx, record.id)).filter((s) => s.purpose === change.purpose);
  const lists: string[] = [];
  for (const slot of slots) {
    if (await setStatusBit(tx, slot, change.bit)) {
      lists.push(slot.listId);
    }
  }
  await appendAudit(tx, {
    at: facts.at,
    actor: facts.actor,
    action: change.event,
    targetType: "credential",
    targetId: record.id,
    details: change.audited(
      facts,
      slots.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
    ),
  });
  await recordCredentialEvent(ctx, tx, {
    type: change.event,
    at: facts.at,
    credential: record,
    details: change.announced(facts),
  });
  await markEvaluationDue(tx, record.recipientEmail, { mark: ctx.newId(), at: facts.at });
  return lists;
}
