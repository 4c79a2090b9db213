import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import type { Evidence, HeldCredential } from "../domain/criteria/types.js";
import { type AwardBasis, awardBasis } from "../domain/renewal.js";
import type { ServiceContext } from "./deps.js";

/** How an award of `entry` now relates to what the person held before (first, held, renewal or re-award). */
export function basisFor(ctx: ServiceContext, entry: CatalogEntry, held: HeldCredential[], now: Date): AwardBasis {
  return awardBasis({
    certification: entry.id,
    renewal: entry.validity?.renewal,
    fiscalStartMonth: ctx.config.fiscalYearStartMonth,
    held,
    now,
  });
}

/**
 * What an award on this basis may count: every completion and rating, but for a renewal or re-award only the
 * assessments taken since `assessmentsFrom` (the assessment is refreshed each cycle, and the ones an earlier
 * credential was awarded on are spent). The retake rule then applies among those, so a failed renewal attempt still
 * needs the learning path again.
 */
export function countedEvidence(evidence: Evidence[], basis: AwardBasis): Evidence[] {
  if (basis.kind !== "renewal" && basis.kind !== "reaward") {
    return evidence;
  }
  const from = basis.assessmentsFrom.getTime();
  return evidence.filter((e) => e.kind !== "assessment" || Date.parse(e.occurredAt) >= from);
}
