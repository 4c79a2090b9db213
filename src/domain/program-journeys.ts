import type { CatalogEntry } from "./catalog/parse-catalog.js";
import { prerequisitesOf } from "./criteria/validate-rule.js";
import { type JourneyLayout, layoutJourney } from "./journey.js";
import { layoutJourneyStacked } from "./journey-stacked.js";

/** A program's journey drawn twice: left to right for wide screens, stacked top to bottom for phones. */
export type ProgramJourney = { program: string; layout: JourneyLayout; stacked: JourneyLayout };

/**
 * One journey per program that has prerequisites between its own certifications, drawn over just those
 * certifications (a program whose certifications stand alone has no journey to draw).
 */
export function programJourneys(entries: CatalogEntry[]): ProgramJourney[] {
  const programs = [...new Set(entries.map((e) => e.program))];
  return programs.flatMap((program) => {
    const members = entries.filter((e) => e.program === program);
    const ids = new Set(members.map((e) => e.id));
    const prerequisites = new Map(
      members.map((e) => [e.id, e.criteria.rule ? prerequisitesOf(e.criteria.rule).filter((p) => ids.has(p)) : []]),
    );
    const linked = new Set<string>();
    for (const [id, pre] of prerequisites) {
      if (pre.length > 0) {
        linked.add(id);
        for (const p of pre) {
          linked.add(p);
        }
      }
    }
    if (linked.size === 0) {
      return [];
    }
    const inputs = members
      .filter((e) => linked.has(e.id))
      .map((e) => ({ id: e.id, label: e.name, prerequisites: prerequisites.get(e.id) ?? [], group: e.level }));
    return [{ program, layout: layoutJourney(inputs), stacked: layoutJourneyStacked(inputs) }];
  });
}
