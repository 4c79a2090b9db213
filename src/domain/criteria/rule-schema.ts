import { z } from "zod";

/**
 * Machine-checkable criteria, as data in each definition's `criteria.rule`. A rule is a tree:
 * composites (`all`, `any`, `atLeast`) over evidence rules (`assessment`, `completion`, `rating`)
 * and `prerequisite` (another certification currently held). Every node has an `id` unique within
 * its definition so that reports, ordering (`after`) and retake policies can name it.
 */

const ruleId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug");
const itemId = z.string().trim().min(1, "must not be empty").max(200);

/** What a person completed: the kinds of completion evidence graders and systems record. */
export const COMPLETION_TYPES = [
  "task",
  "workshop",
  "course",
  "learning-path",
  "shadowing",
  "delivery",
  "review",
] as const;
export type CompletionType = (typeof COMPLETION_TYPES)[number];

const common = {
  id: ruleId,
  /** A short human label for reports ("Written assessment"). */
  label: z.string().trim().min(1).max(200).optional(),
};

/**
 * Records count only when submitted with a key that grades as one of these roles (e.g. ["ps-engineer"]): the
 * role comes from the API key, never from the request. Absent: any submitter.
 */
const graderRoles = z.array(z.string().trim().min(1)).min(1).optional();

/** Evidence filters shared by evidence rules. */
const evidenceFilters = {
  /** Only evidence dated after the rule with this id was met counts (e.g. practical after written). */
  after: ruleId.optional(),
  /** Only evidence from the last N months counts (recertification). */
  withinMonths: z.number().int().min(1).max(600).optional(),
};

export type Rule =
  | { type: "all"; id: string; label?: string; of: Rule[] }
  | { type: "any"; id: string; label?: string; of: Rule[] }
  | { type: "atLeast"; id: string; label?: string; n: number; of: Rule[] }
  | AssessmentRule
  | CompletionRule
  | RatingRule
  | PrerequisiteRule;

export const AssessmentRuleSchema = z.strictObject({
  type: z.literal("assessment"),
  ...common,
  /** The assessment's id, as graders record it ("gitlab-associate-written"). */
  assessment: itemId,
  /** Pass mark in percent (score ≥ passMark passes). Absent: graded pass/fail. */
  passMark: z.number().min(0).max(100).optional(),
  /** Attempts count only from these graders' roles (e.g. ["ps-engineer"]). Absent: any grader. */
  graderRoles,
  /** After a failed attempt, a new attempt counts only if this rule (a completion) was met again in between. */
  retakeRequires: ruleId.optional(),
  ...evidenceFilters,
});
export type AssessmentRule = z.infer<typeof AssessmentRuleSchema>;

export const CompletionRuleSchema = z.strictObject({
  type: z.literal("completion"),
  ...common,
  completion: z.enum(COMPLETION_TYPES),
  /** The completed item's id ("gitlab-cicd-course"); with `mode`, only that delivery mode counts. */
  item: itemId,
  mode: z.enum(["live", "recording"]).optional(),
  /** Completions count only when recorded by one of these roles (the observer of a shadowing or a delivery). */
  graderRoles,
  ...evidenceFilters,
});
export type CompletionRule = z.infer<typeof CompletionRuleSchema>;

/**
 * When a delivery (the forms that share a `delivery` id) is complete and can be judged: once `minForms` of its
 * forms are recorded (then exactly the first `minForms`, in time order, are judged), and, with `closure`, only
 * once a grader has closed it with a closure record (then every form recorded before the closure is judged;
 * the delivery takes no more forms). `closure.graderRoles`: who may close it.
 */
export const DeliveryCompletionSchema = z.strictObject(
  {
    minForms: z.number().int().min(1).max(500),
    closure: z.strictObject({ graderRoles }).optional(),
  },
  {
    error:
      "must say when a delivery is complete: {minForms: n}, with closure: {graderRoles: [...]} when a grader closes it",
  },
);
export type DeliveryCompletion = z.infer<typeof DeliveryCompletionSchema>;

export const RatingRuleSchema = z
  .strictObject({
    type: z.literal("rating"),
    ...common,
    /** One or several forms; the average is over every rating on all of them. */
    forms: z.array(itemId).min(1),
    minAverage: z.number().positive(),
    scale: z.number().int().min(2).max(100),
    /** Forms count only when submitted by one of these roles (the observer filling an observation form). */
    graderRoles,
    /** When a delivery is complete: nothing is judged (or awarded) on a delivery still open. */
    delivery: DeliveryCompletionSchema,
    ...evidenceFilters,
  })
  .refine((r) => r.minAverage <= r.scale, { message: "minAverage cannot exceed the scale", path: ["minAverage"] });
export type RatingRule = z.infer<typeof RatingRuleSchema>;

export const PrerequisiteRuleSchema = z.strictObject({
  type: z.literal("prerequisite"),
  ...common,
  /** Id of another certification in the catalog that must be currently held (valid, not revoked or suspended). */
  certification: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a certification id"),
});
export type PrerequisiteRule = z.infer<typeof PrerequisiteRuleSchema>;

export const RuleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.strictObject({ type: z.literal("all"), ...common, of: z.array(RuleSchema).min(1) }),
    z.strictObject({ type: z.literal("any"), ...common, of: z.array(RuleSchema).min(1) }),
    z
      .strictObject({
        type: z.literal("atLeast"),
        ...common,
        n: z.number().int().min(1),
        of: z.array(RuleSchema).min(1),
      })
      .refine((r) => r.n <= r.of.length, { message: "n cannot exceed the number of rules", path: ["n"] }),
    AssessmentRuleSchema,
    CompletionRuleSchema,
    RatingRuleSchema,
    PrerequisiteRuleSchema,
  ]),
);
