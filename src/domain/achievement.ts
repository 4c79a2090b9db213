import type { CatalogEntry } from "./catalog/parse-catalog.js";
import { type ResultDescription, resultDescriptionsFor } from "./criteria/decision.js";
import { renewalValidUntil } from "./renewal.js";

export type Ob3Achievement = {
  id: string;
  type: ["Achievement"];
  achievementType: string;
  name: string;
  description: string;
  criteria: { id: string; narrative: string };
  image: { id: string; type: "Image"; caption: string };
  humanCode?: string;
  alignment?: Array<Record<string, unknown>>;
  tag?: string[];
  resultDescription?: ResultDescription[];
};

/** URL of an achievement under the service's public origin. */
export function achievementUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/achievements/${id}`;
}

/** The OB 3.0 Achievement for a catalog entry (STANDARDS.md §1.5); empty arrays are omitted (§1.7). */
export function toOb3Achievement(entry: CatalogEntry, publicUrl: string): Ob3Achievement {
  const url = achievementUrl(publicUrl, entry.id);
  const alignment = entry.alignment.map((a) => ({ type: ["Alignment"], ...a }));
  const resultDescription = resultDescriptionsFor(entry.criteria.rule, url);
  return {
    id: url,
    type: ["Achievement"],
    achievementType: entry.achievementType,
    name: entry.name,
    description: entry.description,
    criteria: { id: `${url}#criteria`, narrative: entry.criteria.narrative },
    image: { id: `${url}/image`, type: "Image", caption: entry.image.caption ?? `Badge: ${entry.name}` },
    ...(entry.humanCode ? { humanCode: entry.humanCode } : {}),
    ...(alignment.length > 0 ? { alignment } : {}),
    ...(entry.tags.length > 0 ? { tag: entry.tags } : {}),
    ...(resultDescription.length > 0 ? { resultDescription } : {}),
  };
}

/** validUntil for a credential issued at `validFrom`: its validity period or renewal window (none: no expiry). */
export function validUntilFor(
  entry: CatalogEntry,
  validFrom: Date,
  calendar: { fiscalYearStartMonth: number } = { fiscalYearStartMonth: 2 },
): Date | undefined {
  if (!entry.validity) {
    return undefined;
  }
  if (entry.validity.renewal) {
    return renewalValidUntil(entry.validity.renewal, calendar.fiscalYearStartMonth, validFrom);
  }
  const until = new Date(validFrom.getTime());
  if (entry.validity.months) {
    const day = until.getUTCDate();
    until.setUTCMonth(until.getUTCMonth() + entry.validity.months);
    // Clamp month overflow (31 Aug + 6 months = 28/29 Feb, not 3 Mar).
    if (until.getUTCDate() !== day) {
      until.setUTCDate(0);
    }
  }
  if (entry.validity.days) {
    until.setUTCDate(until.getUTCDate() + entry.validity.days);
  }
  return until;
}
