import { and, asc, eq } from "drizzle-orm";
import { auditLog } from "../storage/schema.js";
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
};

/**
 * The lifecycle of one of our credentials. Until the lifecycle work (revocation, suspension, reissue) lands, every
 * credential is active and its history is its issuance.
 */
export function getCredentialLifecycle(ctx: ServiceContext, credentialId: string): CredentialLifecycle {
  const rows = ctx.db
    .select({ at: auditLog.at, action: auditLog.action })
    .from(auditLog)
    .where(and(eq(auditLog.targetType, "credential"), eq(auditLog.targetId, credentialId)))
    .orderBy(asc(auditLog.seq))
    .all();
  return {
    state: "active",
    history: rows.map((r) => ({ at: r.at.toISOString(), event: r.action.replace(/^credential\./, "") })),
  };
}
