import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import { leafRules } from "../../domain/criteria/rules/context.js";
import { prerequisitesOf } from "../../domain/criteria/validate-rule.js";

/** How long a certification lasts, in words. */
export function validityWords(entry: CatalogEntry): string {
  const v = entry.validity;
  if (!v) {
    return "Does not expire.";
  }
  const parts = [v.months ? `${v.months} month${v.months === 1 ? "" : "s"}` : "", v.days ? `${v.days} days` : ""];
  const period = parts.filter(Boolean).join(" and ");
  if (v.renewal) {
    const quarters = v.renewal.fiscalQuarters.map((q) => `Q${q}`).join(" and ");
    return (
      `Renewed in windows that open on the first day of fiscal ${quarters} and stay open ${v.renewal.windowDays} days; ` +
      `a credential lasts until the next window closes (at most ${period}).`
    );
  }
  return `Valid for ${period} after it is awarded, then renewed.`;
}

/** The certifications this one requires, in rule order. */
export function prerequisiteIds(entry: CatalogEntry): string[] {
  return entry.criteria.rule ? prerequisitesOf(entry.criteria.rule) : [];
}

/** The certifications that require this one. */
export function dependentIds(entries: CatalogEntry[], id: string): string[] {
  return entries.filter((e) => prerequisiteIds(e).includes(id)).map((e) => e.id);
}

/** What an assessment id's last word says it is. */
const ASSESSMENT_KINDS: Array<[RegExp, string]> = [
  [/-written$/, "written exam"],
  [/-lab$/, "lab"],
  [/-practical$/, "practical assessment"],
];

/**
 * Names assessments for people: an assessment belongs to the certification whose criteria use it (preferring
 * `current` when several do), so "gitlab-devops-professional-written" reads "the GitLab Certified DevOps
 * Professional written exam".
 */
export function assessmentNamer(entries: CatalogEntry[], current?: CatalogEntry): (assessmentId: string) => string {
  const owners = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    for (const leaf of entry.criteria.rule ? leafRules(entry.criteria.rule) : []) {
      if (leaf.type === "assessment") {
        owners.set(leaf.assessment, [...(owners.get(leaf.assessment) ?? []), entry]);
      }
    }
  }
  return (assessmentId) => {
    const candidates = owners.get(assessmentId) ?? [];
    const owner = candidates.find((e) => e.id === current?.id) ?? candidates[0] ?? current;
    const kind = ASSESSMENT_KINDS.find(([pattern]) => pattern.test(assessmentId))?.[1] ?? "assessment";
    return owner ? `the ${owner.name} ${kind}` : `the ${kind}`;
  };
}
