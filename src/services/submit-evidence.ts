import { AppError, type FieldError, storageProblemOf } from "../errors.js";
import { type AwardOutcome, awardEligible, awardEligibleMany } from "./award-eligible.js";
import type { ServiceContext } from "./deps.js";
import { type EvidenceSubmission, type EvidenceView, recordEvidence, type Submitter } from "./record-evidence.js";

export type EvidenceSubmitted = { status: "recorded" | "duplicate"; evidence: EvidenceView; awarded: AwardOutcome[] };

/**
 * Records one evidence record, then awards what its person now meets. Duplicates evaluate too (idempotent): a retry
 * after a failed award, or evidence that was dated slightly ahead of the clock at first, still gets its award.
 */
export async function submitEvidence(
  ctx: ServiceContext,
  submission: EvidenceSubmission,
  by: Submitter,
): Promise<EvidenceSubmitted> {
  const result = await recordEvidence(ctx, submission, by);
  const awarded = await awardEligible(ctx, result.evidence.person.email);
  return { ...result, awarded };
}

/**
 * Reads one raw record of a batch into a submission, or says which fields are wrong with it. The caller brings the
 * schema (the API's, the console's, a bulk job's), so that each record of a batch is validated on its own.
 */
export type ReadEvidence = (
  raw: unknown,
) => { ok: true; submission: EvidenceSubmission } | { ok: false; errors: FieldError[] };

export type BatchRecordResult = {
  index: number;
  externalId: string | null;
  status: "recorded" | "duplicate" | "rejected";
  evidenceId: string | null;
  errors?: FieldError[];
};

export type EvidenceBatchResult = {
  recorded: number;
  duplicates: number;
  rejected: number;
  results: BatchRecordResult[];
  awarded: AwardOutcome[];
};

type Outcome = { result: BatchRecordResult; personEmail?: string };

/**
 * Records every record of a batch on its own (a bad record is reported, and the others are still recorded), then
 * awards each person the batch named, once, all of them together (awardEligibleMany). A storage failure stops the batch: every later record would fail alike,
 * and a retry skips what was stored (duplicates).
 */
export async function submitEvidenceBatch(
  ctx: ServiceContext,
  records: readonly unknown[],
  by: Submitter,
  read: ReadEvidence,
): Promise<EvidenceBatchResult> {
  const outcomes: Outcome[] = [];
  for (const [index, raw] of records.entries()) {
    outcomes.push(await recordOne(ctx, { raw, index, by, read }));
  }
  // Every person the batch named, evaluated together: their awards are issued in bulk (issueCredentials).
  const people = [...new Set(outcomes.flatMap((o) => (o.personEmail ? [o.personEmail] : [])))];
  const byPerson = await awardEligibleMany(ctx, people);
  const awarded = people.flatMap((email) => byPerson.get(email) ?? []);
  const results = outcomes.map((o) => o.result);
  const count = (status: BatchRecordResult["status"]) => results.filter((r) => r.status === status).length;
  return { recorded: count("recorded"), duplicates: count("duplicate"), rejected: count("rejected"), results, awarded };
}

async function recordOne(
  ctx: ServiceContext,
  record: { raw: unknown; index: number; by: Submitter; read: ReadEvidence },
): Promise<Outcome> {
  const { raw, index } = record;
  const given = (raw as { externalId?: unknown } | null)?.externalId;
  const externalId = typeof given === "string" ? given : null;
  const rejected = (errors: FieldError[]): Outcome => ({
    result: { index, externalId, status: "rejected", evidenceId: null, errors },
  });
  const read = record.read(raw);
  if (!read.ok) {
    return rejected(read.errors);
  }
  try {
    const { status, evidence } = await recordEvidence(ctx, read.submission, record.by);
    return { result: { index, externalId, status, evidenceId: evidence.id }, personEmail: evidence.person.email };
  } catch (error) {
    if (storageProblemOf(error)) {
      throw error;
    }
    if (!(error instanceof AppError)) {
      // Records before this one stay recorded; report this one instead of failing the whole batch.
      ctx.logger.error("evidence record failed", { index, error: (error as Error).name });
      return rejected([{ path: "(record)", message: "could not be recorded: retry it" }]);
    }
    const errors = error.extra?.errors as FieldError[] | undefined;
    return rejected(errors ?? [{ path: "(record)", message: error.message }]);
  }
}
