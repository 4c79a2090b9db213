import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import type { HeldCredential, SpentAssessments } from "../domain/criteria/types.js";
import { type AwardBasis, awardBasis } from "../domain/renewal.js";
import type { ServiceContext } from "./deps.js";

/** How an award of `entry` now relates to what the person held before (first, held, renewal or re-award). */
export function basisFor(
  ctx: Pick<ServiceContext, "config">,
  entry: CatalogEntry,
  held: HeldCredential[],
  now: Date,
): AwardBasis {
  return awardBasis({
    certification: entry.id,
    renewal: entry.validity?.renewal,
    fiscalStartMonth: ctx.config.fiscalYearStartMonth,
    held,
    now,
  });
}

/**
 * What an award on this basis may not count again: for a renewal or re-award, the assessments taken before
 * `assessmentsFrom` (the assessment is refreshed each cycle, and the ones an earlier credential was awarded on are
 * spent); every completion and rating still counts, except after a revocation, when nothing dated before the revoked
 * credential's issue counts. The evaluator reports the spent ones as used by that credential
 * (named with its state), and the retake rule applies among the rest, so a failed renewal attempt still needs the
 * learning path again.
 */
export function spentAssessments(basis: AwardBasis, held: HeldCredential[], now: Date): SpentAssessments | undefined {
  if (basis.kind !== "renewal" && basis.kind !== "reaward") {
    return undefined;
  }
  const credentialId = basis.kind === "renewal" ? basis.supersedes : basis.previous;
  const credential = held.find((h) => h.credentialId === credentialId);
  return {
    ...(basis.kind === "reaward" && credential?.status === "revoked" ? { everyKind: true } : {}),
    from: basis.assessmentsFrom.toISOString(),
    credentialId,
    state: basis.kind === "renewal" ? "due for renewal" : stateOf(credential, now),
    used: credential?.evidenceIds ?? [],
  };
}

/** A credential that is no longer held, in words: "revoked", "suspended" or "expired on 2027-03-03". */
function stateOf(credential: HeldCredential | undefined, now: Date): string {
  if (credential === undefined || credential.status !== "active") {
    return credential?.status ?? "no longer held";
  }
  const until = credential.validUntil;
  return until !== undefined && Date.parse(until) <= now.getTime() ? `expired on ${until.slice(0, 10)}` : "not valid";
}
