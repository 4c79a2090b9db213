import { lifecycleState } from "../domain/status/transitions.js";
import { auditForTarget } from "../storage/audit-repo.js";
import {
  type CredentialLifecycleColumns,
  findCredentialLifecycle,
  sameRecipient,
} from "../storage/credentials-repo.js";
import type { ServiceContext } from "./deps.js";

/** Where a credential stands in its life, as its public page shows it (public reasons only). */
export type CredentialLifecycle = {
  state: "active" | "revoked" | "suspended";
  /** The revocation or suspension reason, only when the admin chose to make it public. */
  publicReason?: string;
  /** Credential id of the credential that replaced this one (reissue or recertification). */
  supersededBy?: string;
  /** Credential id of the credential this one replaced. */
  supersedes?: string;
  /** Oldest first: issued, suspended, reinstated, revoked, superseded… */
  history: Array<{ at: string; event: string; detail?: string }>;
  /** When the current revocation or suspension took effect. */
  since?: string;
};

/** The audit actions that are part of a credential's public history, and the word the page shows. */
const HISTORY_EVENTS: Record<string, string> = {
  "credential.issued": "issued",
  "credential.suspended": "suspended",
  "credential.reinstated": "reinstated",
  "credential.revoked": "revoked",
  "credential.superseded": "superseded",
};

/**
 * The part of an audit entry a visitor may read: never a private reason, never who did it, and a link to another
 * credential only when `linkable` says that credential is the same person's.
 */
async function publicDetail(
  action: string,
  details: Record<string, unknown>,
  linkable: (other: string) => Promise<boolean>,
): Promise<string | undefined> {
  if (action === "credential.superseded" && typeof details.supersededBy === "string") {
    return (await linkable(details.supersededBy)) ? `replaced by ${details.supersededBy}` : undefined;
  }
  if (action === "credential.issued" && typeof details.supersedes === "string") {
    return (await linkable(details.supersedes)) ? `replaces ${details.supersedes}` : undefined;
  }
  if ((action === "credential.revoked" || action === "credential.suspended") && details.reasonPublic === true) {
    return typeof details.reason === "string" ? details.reason : undefined;
  }
  return undefined;
}

/**
 * The time of a credential's issuance as its public history shows it, when that entry shows nothing else: the `at` of
 * its one `credential.issued` audit entry, which names no credential it replaces; undefined otherwise. Audit entries
 * are never changed: what this answers holds for ever (a credential page's projection keeps it, `quickLifecycle`).
 */
export async function plainIssuance(ctx: ServiceContext, credentialId: string): Promise<string | undefined> {
  const issued = (await auditForTarget(ctx.store.conn(), "credential", credentialId)).filter(
    (r) => r.action === "credential.issued",
  );
  const only = issued.length === 1 ? issued[0] : undefined;
  return only && typeof only.details.supersedes !== "string" ? only.at.toISOString() : undefined;
}

/**
 * The lifecycle `getCredentialLifecycle` answers, without reading the audit log, for a credential whose row says
 * nothing happened to it since its issuance (the database counts every later audit entry about it: `historyChanges`
 * 0) and that replaces none; `issuedAt` is its `plainIssuance`. Undefined when that does not hold (read it in full).
 */
export function quickLifecycle(
  row: CredentialLifecycleColumns & { historyChanges: number },
  issuedAt: string | undefined,
): CredentialLifecycle | undefined {
  if (
    issuedAt === undefined ||
    row.historyChanges !== 0 ||
    row.revokedAt !== null ||
    row.suspendedAt !== null ||
    row.supersededBy !== null ||
    row.supersedes !== null
  ) {
    return undefined;
  }
  return { state: "active", history: [{ at: issuedAt, event: "issued" }] };
}

/**
 * The lifecycle of one of our credentials: its state (revoked wins over suspended; expiry is the page's to show from
 * validUntil), the public reason only when the admin made it public, the credentials it replaced or was replaced by,
 * and its history from the audit log (private reasons and actors left out). Unknown ids read as active with no
 * history.
 */
export async function getCredentialLifecycle(
  ctx: ServiceContext,
  credentialId: string,
  /** Its lifecycle columns, when the caller has read them (else read here); null when there is no such row. */
  read?: CredentialLifecycleColumns | null,
): Promise<CredentialLifecycle> {
  const db = ctx.store.conn();
  const record = read === undefined ? await findCredentialLifecycle(db, credentialId) : (read ?? undefined);
  // A reissue that corrected the email went to someone else: its page must not lead from one person to the other
  // (renewals and name corrections stay with the same person and are linked both ways).
  const linkable = (other: string) => sameRecipient(db, credentialId, other);
  const rows = await auditForTarget(db, "credential", credentialId);
  const history: CredentialLifecycle["history"] = [];
  for (const r of rows) {
    const event = HISTORY_EVENTS[r.action];
    if (event) {
      const detail = await publicDetail(r.action, r.details, linkable);
      history.push({ at: r.at.toISOString(), event, ...(detail ? { detail } : {}) });
    }
  }
  if (!record) {
    return { state: "active", history };
  }
  const state = lifecycleState(record);
  const publicReason =
    state === "revoked"
      ? record.revocationReasonPublic
        ? record.revocationReason
        : null
      : state === "suspended" && record.suspensionReasonPublic
        ? record.suspensionReason
        : null;
  const since = state === "revoked" ? record.revokedAt : state === "suspended" ? record.suspendedAt : null;
  return {
    state,
    ...(publicReason ? { publicReason } : {}),
    ...(record.supersededBy && (await linkable(record.supersededBy)) ? { supersededBy: record.supersededBy } : {}),
    ...(record.supersedes && (await linkable(record.supersedes)) ? { supersedes: record.supersedes } : {}),
    history,
    ...(since ? { since: since.toISOString() } : {}),
  };
}
