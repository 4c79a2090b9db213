import { z } from "@hono/zod-openapi";
import { COMPLETION_TYPES } from "../../../domain/criteria/rule-schema.js";
import { DisplayNameSchema } from "../../../schemas/display-name.js";
import { EmailSchema } from "../../../schemas/email.js";
import type { ReadEvidence } from "../../../services/submit-evidence.js";
import { fieldErrors } from "../../problem.js";

const item = z.string().trim().min(1, "must not be empty").max(200);

/** Only an admin key may name a grader role; any other key's role comes from the key (and it may repeat it). */
const graderRole = z.string().trim().min(1).max(100).optional().openapi({
  description: "The grader's role; filled in from the submitting API key (only admin keys may name one)",
  example: "ps-engineer",
});

const base = {
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .openapi({ description: "Your id for this record: resubmitting the same id changes nothing", example: "lms-4711" }),
  person: z.strictObject({
    email: EmailSchema,
    name: DisplayNameSchema.optional(),
  }),
  occurredAt: z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone" })
    .openapi({ example: "2026-03-02T14:00:00Z" }),
  supersedes: z.uuid({ error: "must be the id of an earlier evidence record" }).optional().openapi({
    description: "Correct an earlier record: it stops counting, this one counts instead",
  }),
  comment: z.string().max(2000).optional().openapi({ description: "Private note (never put in credentials)" }),
  uncatalogued: z.boolean().optional().openapi({
    description:
      "true: the record is meant to count for no certification, so its id need not be in the catalog (otherwise an id no certification uses is refused with 422)",
  }),
};

export const AssessmentEvidenceSchema = z
  .strictObject({
    kind: z.literal("assessment"),
    ...base,
    assessment: item.openapi({ example: "gitlab-associate-written" }),
    score: z.number().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100").optional(),
    passed: z.boolean().optional(),
    graderRole,
  })
  .refine((e) => e.score !== undefined || e.passed !== undefined, {
    message: "give a percent `score` or a pass/fail `passed`",
    path: ["score"],
  })
  .openapi("AssessmentEvidence");

export const CompletionEvidenceSchema = z
  .strictObject({
    kind: z.literal("completion"),
    ...base,
    completion: z.enum(COMPLETION_TYPES, { error: `must be one of ${COMPLETION_TYPES.join(", ")}` }),
    item: item.openapi({ example: "field-sales-learning-path" }),
    mode: z.enum(["live", "recording"]).optional(),
    graderRole,
  })
  .openapi("CompletionEvidence");

export const RatingEvidenceSchema = z
  .strictObject({
    kind: z.literal("rating"),
    ...base,
    form: item.openapi({ example: "candidate-observation-form" }),
    scale: z.number().int().min(2).max(100),
    ratings: z.array(z.number().min(0)).min(1).max(200),
    delivery: item
      .optional()
      .openapi({ description: "The delivery the form rates: forms of one delivery are averaged together" }),
    graderRole,
  })
  .refine((e) => e.ratings.every((r) => r <= e.scale), {
    message: "every rating must be within the scale",
    path: ["ratings"],
  })
  .openapi("RatingEvidence");

export const ClosureEvidenceSchema = z
  .strictObject({
    kind: z.literal("closure"),
    ...base,
    form: item.openapi({
      description: "The form whose delivery is closed (a delivery id is one form's: another course's may share it)",
      example: "gitlab-basics-training-survey",
    }),
    delivery: item.openapi({
      description:
        "The delivery the grader closes: every form of it is in. Its forms are judged from now on, and it takes no more",
      example: "acme-2026-10",
    }),
    graderRole,
  })
  .openapi("ClosureEvidence");

export const EvidenceInputSchema = z
  .discriminatedUnion(
    "kind",
    [AssessmentEvidenceSchema, CompletionEvidenceSchema, RatingEvidenceSchema, ClosureEvidenceSchema],
    { error: 'kind must be "assessment", "completion", "rating" or "closure"' },
  )
  .openapi("EvidenceInput");
export type EvidenceInput = z.infer<typeof EvidenceInputSchema>;

/** Reads one record of a batch with the same schema as a single record (each record is validated on its own). */
export const readEvidenceInput: ReadEvidence = (raw) => {
  const parsed = EvidenceInputSchema.safeParse(raw);
  return parsed.success ? { ok: true, submission: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
};

export const EvidenceViewSchema = z
  .object({
    id: z.string(),
    externalId: z.string(),
    person: z.object({ email: z.string(), name: z.string().nullable() }),
    kind: z.string(),
    item: z.string(),
    occurredAt: z.string(),
    supersedes: z.string().nullable(),
    submittedBy: z.string(),
    submittedAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("Evidence");

const AwardSchema = z
  .object({
    achievementId: z.string(),
    outcome: z.enum(["issued", "pending-approval"]),
    credentialId: z.string().optional(),
    approvalId: z.string().optional(),
  })
  .openapi("Award");

export const RecordResultSchema = z
  .object({
    status: z.enum(["recorded", "duplicate"]),
    evidence: EvidenceViewSchema,
    awarded: z.array(AwardSchema).openapi({ description: "Certifications this evidence completed" }),
  })
  .openapi("EvidenceRecordResult");

export const BatchRequestSchema = z
  .strictObject({ records: z.array(z.unknown()).min(1).max(500) })
  .openapi("EvidenceBatchRequest");

export const BatchResultSchema = z
  .object({
    recorded: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        externalId: z.string().nullable(),
        status: z.enum(["recorded", "duplicate", "rejected"]),
        evidenceId: z.string().nullable(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      }),
    ),
    awarded: z.array(AwardSchema),
  })
  .openapi("EvidenceBatchResult");
