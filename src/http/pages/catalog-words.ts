import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
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
