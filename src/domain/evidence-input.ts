import { z } from "zod";
import { COMPLETION_TYPES } from "./criteria/rule-schema.js";
import { DisplayNameSchema, EmailSchema } from "./person-fields.js";

/**
 * One evidence record as graders and systems send it (`POST /admin/evidence`, its batch, and the rows of a bulk
 * evidence job): the one schema all three validate with. Plain zod with `.meta()` (read by the OpenAPI generator:
 * `id` names the component) so that the domain does not depend on the HTTP layer.
 */

const item = z.string().trim().min(1, "must not be empty").max(200);

/** Only an admin key may name a grader role; any other key's role comes from the key (and it may repeat it). */
const graderRole = z.string().trim().min(1).max(100).optional().meta({
  description: "The grader's role; filled in from the submitting API key (only admin keys may name one)",
  example: "ps-engineer",
});

const base = {
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .meta({ description: "Your id for this record: resubmitting the same id changes nothing", example: "lms-4711" }),
  person: z.strictObject({
    email: EmailSchema,
    name: DisplayNameSchema.optional(),
  }),
  occurredAt: z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone" })
    .meta({ example: "2026-03-02T14:00:00Z" }),
  supersedes: z.uuid({ error: "must be the id of an earlier evidence record" }).optional().meta({
    description: "Correct an earlier record: it stops counting, this one counts instead",
  }),
  comment: z.string().max(2000).optional().meta({ description: "Private note (never put in credentials)" }),
  uncatalogued: z.boolean().optional().meta({
    description:
      "true: the record is meant to count for no certification, so its id need not be in the catalog (otherwise an id no certification uses is refused with 422)",
  }),
};

export const AssessmentEvidenceSchema = z
  .strictObject({
    kind: z.literal("assessment"),
    ...base,
    assessment: item.meta({ example: "gitlab-associate-written" }),
    score: z.number().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100").optional(),
    passed: z.boolean().optional(),
    graderRole,
  })
  .refine((e) => e.score !== undefined || e.passed !== undefined, {
    message: "give a percent `score` or a pass/fail `passed`",
    path: ["score"],
  })
  .meta({ id: "AssessmentEvidence" });

export const CompletionEvidenceSchema = z
  .strictObject({
    kind: z.literal("completion"),
    ...base,
    completion: z.enum(COMPLETION_TYPES, { error: `must be one of ${COMPLETION_TYPES.join(", ")}` }),
    item: item.meta({ example: "field-sales-learning-path" }),
    mode: z.enum(["live", "recording"]).optional(),
    graderRole,
  })
  .meta({ id: "CompletionEvidence" });

export const RatingEvidenceSchema = z
  .strictObject({
    kind: z.literal("rating"),
    ...base,
    form: item.meta({ example: "candidate-observation-form" }),
    scale: z.number().int().min(2).max(100),
    ratings: z.array(z.number().min(0)).min(1).max(200),
    delivery: item
      .optional()
      .meta({ description: "The delivery the form rates: forms of one delivery are averaged together" }),
    graderRole,
  })
  .refine((e) => e.ratings.every((r) => r <= e.scale), {
    message: "every rating must be within the scale",
    path: ["ratings"],
  })
  .meta({ id: "RatingEvidence" });

export const ClosureEvidenceSchema = z
  .strictObject({
    kind: z.literal("closure"),
    ...base,
    form: item.meta({
      description: "The form whose delivery is closed (a delivery id is one form's: another course's may share it)",
      example: "gitlab-basics-training-survey",
    }),
    delivery: item.meta({
      description:
        "The delivery the grader closes: every form of it is in. Its forms are judged from now on, and it takes no more",
      example: "acme-2026-10",
    }),
    graderRole,
  })
  .meta({ id: "ClosureEvidence" });

export const EvidenceInputSchema = z
  .discriminatedUnion(
    "kind",
    [AssessmentEvidenceSchema, CompletionEvidenceSchema, RatingEvidenceSchema, ClosureEvidenceSchema],
    { error: 'kind must be "assessment", "completion", "rating" or "closure"' },
  )
  .meta({ id: "EvidenceInput" });
export type EvidenceInput = z.infer<typeof EvidenceInputSchema>;
