/** Where a credential stands: revocation is final and wins over suspension. */
export type LifecycleState = "active" | "suspended" | "revoked";

/** The longest reason a status change may give (it is audited, and may be shown on the public page). */
export const MAX_REASON_LENGTH = 500;

/** The admin operations on a credential's status, and superseding (by reissue or recertification). */
export type StatusOperation = "revoke" | "suspend" | "reinstate" | "reissue" | "supersede";

export type StatusFacts = {
  revokedAt: Date | null;
  suspendedAt: Date | null;
  supersededBy: string | null;
  /** Whether the certification allows suspension (its credentials then carry a suspension entry). */
  suspendable: boolean;
};

export function lifecycleState(facts: Pick<StatusFacts, "revokedAt" | "suspendedAt">): LifecycleState {
  if (facts.revokedAt) {
    return "revoked";
  }
  return facts.suspendedAt ? "suspended" : "active";
}

/**
 * Why `operation` is not allowed in the credential's current state (a sentence completing "The credential …"), or
 * undefined when it is. Revoking a suspended credential is allowed; nothing leaves the revoked state.
 */
export function transitionProblem(operation: StatusOperation, facts: StatusFacts): string | undefined {
  const state = lifecycleState(facts);
  if (state === "revoked") {
    if (facts.supersededBy) {
      return `was superseded by ${facts.supersededBy} and is revoked: revocation is final`;
    }
    return operation === "revoke" ? "is already revoked: revocation is final" : "is revoked: revocation is final";
  }
  switch (operation) {
    case "revoke":
      return undefined;
    case "suspend":
      if (!facts.suspendable) {
        return "belongs to a certification that does not allow suspension (its definition does not set `suspendable: true`): revoke it instead";
      }
      return state === "suspended" ? "is already suspended" : undefined;
    case "reinstate":
      return state === "suspended" ? undefined : "is not suspended: only a suspended credential can be reinstated";
    case "reissue":
    case "supersede":
      return state === "suspended" ? "is suspended: reinstate it first" : undefined;
  }
}
