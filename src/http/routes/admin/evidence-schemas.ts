import { z } from "@hono/zod-openapi";
import { EvidenceInputSchema } from "../../../domain/evidence-input.js";
import type { ReadEvidence } from "../../../services/submit-evidence.js";
import { fieldErrors } from "../../problem.js";

export {
  AssessmentEvidenceSchema,
  ClosureEvidenceSchema,
  CompletionEvidenceSchema,
  type EvidenceInput,
  EvidenceInputSchema,
  RatingEvidenceSchema,
} from "../../../domain/evidence-input.js";

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
