import type { CompletionType, DeliveryCompletion, Rule } from "../criteria/rule-schema.js";
import { walkRules } from "../criteria/rules/context.js";
import type { CriteriaSource } from "./check-criteria.js";

/**
 * The grader roles whose keys alone may record an item: every rule that counts it names `graderRoles` (these are all
 * of them). Undefined: some rule counts it from any key.
 */
export type GraderRoles = readonly string[] | undefined;

/** An assessment as the catalog's rules grade it: by a percent score against a pass mark, or pass/fail. */
export type AssessmentItem = {
  /** The pass mark in percent when it is scored; undefined when it is graded pass/fail. */
  passMark: number | undefined;
  graderRoles: GraderRoles;
};

/** A completed item, with the kinds of completion of it that some rule counts, and who may record each. */
export type CompletionItem = { completions: CompletionType[]; graderRoles: ReadonlyMap<CompletionType, GraderRoles> };

/** A rated form as the catalog's rating rules use it (every rule that names it agrees on scale and delivery). */
export type FormItem = {
  scale: number;
  delivery: DeliveryCompletion;
  graderRoles: GraderRoles;
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

/** Who may record each item, gathered over every rule that counts it (`anyone` once one rule takes any key). */
class GraderIndex {
  private readonly roles = new Map<string, Set<string> | "anyone">();

  add(key: string, graderRoles: readonly string[] | undefined): void {
    const seen = this.roles.get(key);
    if (graderRoles === undefined || seen === "anyone") {
      this.roles.set(key, "anyone");
      return;
    }
    this.roles.set(key, new Set([...(seen ?? []), ...graderRoles]));
  }

  of(key: string): GraderRoles {
    const seen = this.roles.get(key);
    return seen === undefined || seen === "anyone" ? undefined : [...seen];
  }
}

function assessmentDifference(id: string, a: AssessmentGrading, b: AssessmentGrading): string | undefined {
  if ((a.passMark === undefined) === (b.passMark === undefined)) {
    return undefined;
  }
  return `assessment "${id}" is ${b.passMark === undefined ? "graded pass/fail" : "scored"} here, graded otherwise`;
}

type AssessmentGrading = Omit<AssessmentItem, "graderRoles">;
type FormGrading = Omit<FormItem, "deliveredWith" | "graderRoles">;

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
 * (Pass marks may differ: a score is a score.) Each item also records who may record it (see GraderRoles).
 */
export function indexCatalogItems(sources: readonly CriteriaSource[]): { items: CatalogItems; problems: string[] } {
  const assessments = new Map<string, Seen<AssessmentGrading>>();
  const completions = new Map<string, Seen<{ completions: CompletionType[] }>>();
  const graders = new GraderIndex();
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
        graders.add(`assessment:${id}`, rule.graderRoles);
        const problem = merge(assessments, id, item, where, (a, b) => assessmentDifference(id, a, b));
        if (problem !== undefined) {
          problems.push(problem);
        }
      } else if (rule.type === "completion") {
        // Any kinds of completion of one item may be counted (shadowing a migration, then leading one).
        graders.add(`completion:${rule.completion}:${rule.item}`, rule.graderRoles);
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
          graders.add(`form:${form}`, rule.graderRoles);
          const item = { scale: rule.scale, delivery: rule.delivery };
          const problem = merge(forms, form, item, where, (a, b) => formDifference(form, a, b));
          if (problem !== undefined) {
            problems.push(problem);
          }
        }
      }
    });
  }
  const items: CatalogItems = {
    assessments: new Map(
      [...assessments].map(([id, seen]) => [id, { ...seen.item, graderRoles: graders.of(`assessment:${id}`) }]),
    ),
    completions: new Map(
      [...completions].map(([id, { item }]) => {
        const roles = new Map(item.completions.map((kind) => [kind, graders.of(`completion:${kind}:${id}`)]));
        return [id, { completions: item.completions, graderRoles: roles }];
      }),
    ),
    forms: new Map(
      [...forms].map(([id, seen]) => {
        const together = [...(deliveredWith.get(id) ?? [id])];
        return [id, { ...seen.item, deliveredWith: together, graderRoles: graders.of(`form:${id}`) }];
      }),
    ),
  };
  return { items, problems };
}
