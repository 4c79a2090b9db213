import { isDeepStrictEqual } from "node:util";
import { catalogProblems, graderRoleProblem } from "../domain/catalog/check-evidence.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import type { CompletionType } from "../domain/criteria/rule-schema.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { markEvaluationDue } from "../storage/evaluations-due-repo.js";
import {
  type EvidenceRow,
  findEvidence,
  findEvidenceByExternalId,
  findSupersedingEvidence,
  insertEvidence,
} from "../storage/evidence-repo.js";
import type { ServiceContext } from "./deps.js";
import { checkDeliveryIntake } from "./evidence-deliveries.js";

type SubmissionBase = {
  externalId: string;
  /** Meant to count for no certification: its id need not be in the catalog (and must not be). */
  uncatalogued?: boolean;
  person: { email: string; name?: string };
  occurredAt: string;
  supersedes?: string;
  comment?: string;
};

/** One evidence record as a grader or system submits it (validated by the HTTP schemas). */
export type EvidenceSubmission = SubmissionBase &
  (
    | { kind: "assessment"; assessment: string; score?: number; passed?: boolean; graderRole?: string }
    | { kind: "completion"; completion: CompletionType; item: string; mode?: "live" | "recording"; graderRole?: string }
    | { kind: "rating"; form: string; scale: number; ratings: number[]; delivery?: string; graderRole?: string }
    | { kind: "closure"; form: string; delivery: string; graderRole?: string }
  );

export type EvidenceView = {
  id: string;
  externalId: string;
  person: { email: string; name: string | null };
  kind: string;
  item: string;
  occurredAt: string;
  supersedes: string | null;
  submittedBy: string;
  submittedAt: string;
  data: Record<string, unknown>;
};

/** Evidence may be dated a little ahead of our clock (clock skew), never further. */
const MAX_FUTURE_MS = 5 * 60_000;

/** The catalog id a record is about: the assessment, the completed item, the rated form (or the closed delivery's). */
function itemOf(s: EvidenceSubmission): string {
  switch (s.kind) {
    case "assessment":
      return s.assessment;
    case "completion":
      return s.item;
    case "rating":
    case "closure":
      return s.form;
  }
}

function dataOf(s: EvidenceSubmission): Record<string, unknown> {
  const { externalId: _e, person: _p, occurredAt: _o, supersedes: _s, kind: _k, ...rest } = s;
  return rest;
}

export function toEvidenceView(row: EvidenceRow): EvidenceView {
  return {
    id: row.id,
    externalId: row.externalId,
    person: { email: row.personEmail, name: row.personName },
    kind: row.kind,
    item: row.item,
    occurredAt: row.occurredAt.toISOString(),
    supersedes: row.supersedes,
    submittedBy: row.submittedBy,
    submittedAt: row.submittedAt.toISOString(),
    data: row.data,
  };
}

/** The fields that define a record's content: a resubmission with the same externalId must match them. */
function contentOf(row: Pick<EvidenceRow, "personEmail" | "kind" | "item" | "occurredAt" | "supersedes" | "data">) {
  return [row.personEmail, row.kind, row.item, row.occurredAt.getTime(), row.supersedes, row.data];
}

/**
 * Records one evidence record, append-only and idempotent: the same `externalId` with the same
 * content is a no-op ("duplicate"); with different content it is a 409. A correction names the
 * record it `supersedes`, which must be the same person's, of the same kind.
 */
/** Who submits: the audit actor, and the grader role their key grades as (admins may name any role). */
export type Submitter = { actor: string; graderRole: string | null; isAdmin: boolean };

/**
 * Every record's grader role (the lab's grader, the observer of a shadowing or a delivery, the trainer filling
 * an observation form) comes from the submitting key, not from the request: a key that grades as a role fills
 * it in; any other non-admin key cannot claim one.
 */
function withGraderRole(submission: EvidenceSubmission, by: Submitter): EvidenceSubmission {
  const claimed = submission.graderRole;
  if (by.isAdmin) {
    return submission;
  }
  if (claimed !== undefined && claimed !== by.graderRole) {
    throw new AppError("FORBIDDEN", `This API key may not grade as "${claimed}"`, {
      errors: [{ path: "graderRole", message: `this key grades as ${by.graderRole ?? "no role"}` }],
    });
  }
  return by.graderRole ? { ...submission, graderRole: by.graderRole } : submission;
}

export async function recordEvidence(
  ctx: ServiceContext,
  input: EvidenceSubmission,
  by: Submitter,
): Promise<{ status: "recorded" | "duplicate"; evidence: EvidenceView }> {
  const submission = withGraderRole(input, by);
  const problems = catalogProblems(ctx.catalog.items, submission);
  if (problems.length > 0) {
    const detail = problems.map((p) => `${p.path}: ${p.message}`).join("; ");
    throw new AppError("UNPROCESSABLE", detail, { errors: problems });
  }
  const forbidden = graderRoleProblem(ctx.catalog.items, submission);
  if (forbidden !== undefined) {
    throw new AppError("FORBIDDEN", `${forbidden.path}: ${forbidden.message}`, { errors: [forbidden] });
  }
  const { actor } = by;
  const now = ctx.clock();
  const occurredAt = new Date(submission.occurredAt);
  if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_MS) {
    throw validationError([{ path: "occurredAt", message: "is in the future" }]);
  }
  const row: EvidenceRow = {
    id: ctx.newId(),
    externalId: submission.externalId,
    personEmail: normaliseEmail(submission.person.email),
    personName: submission.person.name ?? null,
    kind: submission.kind,
    item: itemOf(submission),
    occurredAt,
    supersedes: submission.supersedes ?? null,
    data: dataOf(submission),
    submittedBy: actor,
    submittedAt: now,
  };
  return ctx.store.tx(async (tx) => {
    // What follows reads, then writes: "is this externalId new", "is the record it corrects still the latest", "is
    // the person's delivery still open". SQLite's one write lock serialises that; across nodes these two locks do,
    // always taken in this order (the record's id, then its person's intake), so two intakes never wait on each other
    // in a cycle. Without them a record sent to two nodes at once failed on the unique externalId (a 500), and two
    // corrections of one record both went in (a fork of its chain).
    await ctx.store.lock(tx, `evidence:${row.externalId}`);
    await ctx.store.lock(tx, `evidence-intake:${row.personEmail}`);
    const existing = await findEvidenceByExternalId(tx, row.externalId);
    if (existing) {
      if (!isDeepStrictEqual(contentOf(existing), contentOf(row))) {
        throw new AppError("CONFLICT", `externalId "${row.externalId}" was already used for different evidence`, {
          existingId: existing.id,
        });
      }
      return { status: "duplicate" as const, evidence: toEvidenceView(existing) };
    }
    if (row.supersedes) {
      const target = await findEvidence(tx, row.supersedes);
      if (!target || target.personEmail !== row.personEmail || target.kind !== row.kind || target.item !== row.item) {
        throw validationError([
          { path: "supersedes", message: "must name an earlier record of the same person, kind and item" },
        ]);
      }
      // Corrections form a chain: only the latest version of a record can be corrected again.
      const newer = await findSupersedingEvidence(tx, target.id);
      if (newer) {
        throw validationError([
          { path: "supersedes", message: `was already corrected by ${newer.id}: correct that record instead` },
        ]);
      }
    }
    await checkDeliveryIntake(tx, ctx.catalog, row);
    await insertEvidence(tx, row);
    // Committed with the evidence: if the award that follows never completes, the sweep evaluates this person; a
    // record dated ahead of the clock keeps them due until its time, when it starts to count.
    await markEvaluationDue(tx, row.personEmail, { mark: ctx.newId(), at: now, notBefore: occurredAt });
    await appendAudit(tx, {
      at: now,
      actor,
      action: row.supersedes ? "evidence.corrected" : "evidence.recorded",
      targetType: "evidence",
      targetId: row.id,
      details: { externalId: row.externalId, kind: row.kind, item: row.item, supersedes: row.supersedes },
    });
    return { status: "recorded" as const, evidence: toEvidenceView(row) };
  });
}
