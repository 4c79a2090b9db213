import type { DeliveryCompletion, Rule } from "../criteria/rule-schema.js";
import { walkRules } from "../criteria/rules/context.js";
import type { CriteriaSource } from "./check-criteria.js";

/** A rated form as the catalog's rating rules use it (every rule that names it agrees on these). */
export type FormItem = {
  scale: number;
  delivery: DeliveryCompletion;
  /** The certifications whose criteria name it. */
  usedBy: string[];
};

/**
 * What the catalog's criteria know about the ids evidence names, built once when the catalog loads, so intake
 * can check a record against it without walking every rule tree per request.
 */
export type CatalogItems = {
  forms: ReadonlyMap<string, FormItem>;
};

type Seen<T> = { item: T; where: string };

/** Records `item` under `id` unless another rule already defined it differently (then returns a problem). */
function merge<T extends { usedBy: string[] }>(
  map: Map<string, Seen<T>>,
  id: string,
  item: T,
  where: string,
  same: (a: T, b: T) => string | undefined,
): string | undefined {
  const seen = map.get(id);
  if (seen === undefined) {
    map.set(id, { item, where });
    return undefined;
  }
  const difference = same(seen.item, item);
  if (difference !== undefined) {
    return `${where}: ${difference} than in ${seen.where}`;
  }
  for (const certification of item.usedBy) {
    if (!seen.item.usedBy.includes(certification)) {
      seen.item.usedBy.push(certification);
    }
  }
  return undefined;
}

function formDifference(id: string, a: FormItem, b: FormItem): string | undefined {
  if (a.scale !== b.scale) {
    return `form "${id}" is rated on a scale of ${b.scale}, another scale`;
  }
  return JSON.stringify(a.delivery) === JSON.stringify(b.delivery)
    ? undefined
    : `form "${id}" has other delivery completion settings`;
}

/**
 * Indexes every form the criteria name. A form named by two rules must be rated the same way in both (scale,
 * when a delivery is complete): otherwise one record could never satisfy both, and that is a catalog problem
 * naming the file and rule, returned in `problems`.
 */
export function indexCatalogItems(sources: readonly CriteriaSource[]): { items: CatalogItems; problems: string[] } {
  const forms = new Map<string, Seen<FormItem>>();
  const problems: string[] = [];
  for (const source of sources) {
    if (!source.rule) {
      continue;
    }
    walkRules(source.rule, (rule: Rule) => {
      const where = `${source.label}: rule ${rule.id}`;
      if (rule.type === "rating") {
        for (const form of rule.forms) {
          const item = { scale: rule.scale, delivery: rule.delivery, usedBy: [source.certification] };
          const problem = merge(forms, form, item, where, (a, b) => formDifference(form, a, b));
          if (problem !== undefined) {
            problems.push(problem);
          }
        }
      }
    });
  }
  const items = { forms: new Map([...forms].map(([id, seen]) => [id, seen.item])) };
  return { items, problems };
}
