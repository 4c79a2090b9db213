import type { CompletionType, DeliveryCompletion, Rule } from "../criteria/rule-schema.js";
import { walkRules } from "../criteria/rules/context.js";
import type { CriteriaSource } from "./check-criteria.js";

/** An assessment as the catalog's rules grade it: by a percent score against a pass mark, or pass/fail. */
export type AssessmentItem = {
  /** The pass mark in percent when it is scored; undefined when it is graded pass/fail. */
  passMark: number | undefined;
};

/** A completed item, with the kinds of completion of it that some rule counts. */
export type CompletionItem = { completions: CompletionType[] };

/** A rated form as the catalog's rating rules use it (every rule that names it agrees on scale and delivery). */
export type FormItem = {
  scale: number;
  delivery: DeliveryCompletion;
  /**
   * The forms whose ratings of a delivery are judged together with this form's (every form of a rule that names it,
   * itself included): one delivery, one closure. Another form's delivery with the same id is another delivery.
   */
  deliveredWith: readonly string[];
};

/**
 * What the catalog's criteria know about the ids evidence names, built once when the catalog loads, so intake
 * can check a record against it without walking every rule tree per request.
 */
export type CatalogItems = {
  assessments: ReadonlyMap<string, AssessmentItem>;
  completions: ReadonlyMap<string, CompletionItem>;
  forms: ReadonlyMap<string, FormItem>;
};

type Seen<T> = { item: T; where: string };

/** Records `item` under `id` unless another rule already defined it differently (then returns a problem). */
function merge<T>(
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
  return difference === undefined ? undefined : `${where}: ${difference} than in ${seen.where}`;
}

function assessmentDifference(id: string, a: AssessmentItem, b: AssessmentItem): string | undefined {
  if ((a.passMark === undefined) === (b.passMark === undefined)) {
    return undefined;
  }
  return `assessment "${id}" is ${b.passMark === undefined ? "graded pass/fail" : "scored"} here, graded otherwise`;
}

type FormGrading = Omit<FormItem, "deliveredWith">;

function formDifference(id: string, a: FormGrading, b: FormGrading): string | undefined {
  if (a.scale !== b.scale) {
    return `form "${id}" is rated on a scale of ${b.scale}, another scale`;
  }
  return JSON.stringify(a.delivery) === JSON.stringify(b.delivery)
    ? undefined
    : `form "${id}" has other delivery completion settings`;
}

/**
 * Indexes every assessment, completed item and form the criteria name. An assessment or form named by two rules
 * must be graded the same way in both (scored or pass/fail; scale and delivery completion): otherwise one record
 * could never satisfy both, and that is a catalog problem naming the file and rule, returned in `problems`.
 * (Pass marks may differ: a score is a score.)
 */
export function indexCatalogItems(sources: readonly CriteriaSource[]): { items: CatalogItems; problems: string[] } {
  const assessments = new Map<string, Seen<AssessmentItem>>();
  const completions = new Map<string, Seen<CompletionItem>>();
  const forms = new Map<string, Seen<FormGrading>>();
  const deliveredWith = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (const source of sources) {
    if (!source.rule) {
      continue;
    }
    walkRules(source.rule, (rule: Rule) => {
      const where = `${source.label}: rule ${rule.id}`;
      if (rule.type === "assessment") {
        const item = { passMark: rule.passMark };
        const id = rule.assessment;
        const problem = merge(assessments, id, item, where, (a, b) => assessmentDifference(id, a, b));
        if (problem !== undefined) {
          problems.push(problem);
        }
      } else if (rule.type === "completion") {
        // Any kinds of completion of one item may be counted (shadowing a migration, then leading one).
        const kinds = completions.get(rule.item)?.item.completions;
        if (kinds === undefined) {
          completions.set(rule.item, { item: { completions: [rule.completion] }, where });
        } else if (!kinds.includes(rule.completion)) {
          kinds.push(rule.completion);
        }
      } else if (rule.type === "rating") {
        for (const form of rule.forms) {
          const together = deliveredWith.get(form) ?? new Set<string>();
          for (const other of rule.forms) {
            together.add(other);
          }
          deliveredWith.set(form, together);
          const item = { scale: rule.scale, delivery: rule.delivery };
          const problem = merge(forms, form, item, where, (a, b) => formDifference(form, a, b));
          if (problem !== undefined) {
            problems.push(problem);
          }
        }
      }
    });
  }
  const items = {
    assessments: new Map([...assessments].map(([id, seen]) => [id, seen.item])),
    completions: new Map([...completions].map(([id, seen]) => [id, seen.item])),
    forms: new Map(
      [...forms].map(([id, seen]) => [id, { ...seen.item, deliveredWith: [...(deliveredWith.get(id) ?? [id])] }]),
    ),
  };
  return { items, problems };
}
