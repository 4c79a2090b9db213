import { achievementUrl } from "../domain/achievement.js";
import { awardedDateOf } from "../domain/credential/build.js";
import { decisionEntries } from "../domain/criteria/decision.js";
import { evaluateCriteria } from "../domain/criteria/evaluate.js";
import type { RuleReport } from "../domain/criteria/types.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { findCredentialDocument } from "../storage/credentials-repo.js";
import { clearEvaluationDue, dueEvaluationMark } from "../storage/evaluations-due-repo.js";
import { approvalsFor, insertPendingApproval, undecidedApproval } from "../storage/person-credentials-repo.js";
import { basisFor, spentAssessments } from "./award-basis.js";
import type { ServiceContext } from "./deps.js";
import { issueCredential } from "./issue-credential.js";
import { withPersonLock } from "./person-lock.js";
import { loadPersonState } from "./person-state.js";

export type AwardOutcome =
  | { achievementId: string; outcome: "issued"; credentialId: string }
  | { achievementId: string; outcome: "pending-approval"; approvalId: string };

export const CRITERIA_ACTOR = "system:criteria";

/** A renewal supersedes the credential that falls due and keeps its awardedDate (the original award's date). */
function renewalOf(ctx: ServiceContext, supersedes: string): { supersedes: string; awardedDate: Date } {
  const stored = findCredentialDocument(ctx.db, supersedes);
  const awardedDate = stored ? awardedDateOf(JSON.parse(stored.document)) : undefined;
  if (!awardedDate) {
    throw new Error(`credential ${supersedes} has no awardedDate`);
  }
  return { supersedes, awardedDate };
}

/** The evidence that decided the award: the root report's (composites keep only their deciding children's). */
function evidenceIdsOf(report: RuleReport): string[] {
  return [...new Set(report.evidence)].sort();
}

/**
 * Evaluates every certification with criteria for a person and awards each one met and not held:
 * issued at once, or queued for approval when its definition asks for it. Awards can unlock others
 * (prerequisites), so it evaluates again until nothing new is awarded. Serialised per person, so two
 * evidence submissions racing for the same person award exactly once. Once every award it makes is stored, the
 * person's due evaluation is cleared, unless evidence arrived meanwhile (compare-and-clear on its mark).
 */
export function awardEligible(ctx: ServiceContext, email: string): Promise<AwardOutcome[]> {
  return withPersonLock(ctx, email, async () => {
    // Read before the evidence: whatever is stored after this read replaces the mark and keeps the person due.
    const due = dueEvaluationMark(ctx.db, email);
    const outcomes = await evaluateAndAward(ctx, email);
    if (due !== undefined) {
      clearEvaluationDue(ctx.db, email, due);
    }
    return outcomes;
  });
}

async function evaluateAndAward(ctx: ServiceContext, email: string): Promise<AwardOutcome[]> {
  const outcomes: AwardOutcome[] = [];
  for (let round = 0; round <= ctx.catalog.entries.length; round++) {
    const now = ctx.clock();
    const state = loadPersonState(ctx, email);
    let issuedThisRound = 0;
    for (const entry of ctx.catalog.entries) {
      const rule = entry.criteria.rule;
      if (!rule || undecidedApproval(ctx.db, email, entry.id)) {
        continue;
      }
      const basis = basisFor(ctx, entry, state.held, now);
      if (basis.kind === "held") {
        continue;
      }
      const { evidence, held } = state;
      const spent = spentAssessments(basis, held, now);
      const report = evaluateCriteria({ rule, evidence, held, now, spent });
      if (report.status !== "met") {
        continue;
      }
      const url = achievementUrl(ctx.config.publicUrl, entry.id);
      const renewal = basis.kind === "renewal" ? renewalOf(ctx, basis.supersedes) : undefined;
      const record = {
        definitionVersion: entry.version,
        evidenceIds: evidenceIdsOf(report),
        report,
        ...(renewal
          ? { renewal: { supersedes: renewal.supersedes, awardedDate: renewal.awardedDate.toISOString() } }
          : {}),
      };
      const ob = decisionEntries(rule, report, evidence, url);
      if (entry.criteria.requiresApproval) {
        // An admin already rejected this award on the same evidence: do not queue it again.
        const key = JSON.stringify(record.evidenceIds);
        const rejected = approvalsFor(ctx.db, email, entry.id).filter((a) => a.outcome === "rejected");
        if (rejected.some((r) => JSON.stringify(r.decision.evidenceIds) === key)) {
          continue;
        }
        const approvalId = ctx.newId();
        const { db } = ctx;
        db.transaction(() => {
          insertPendingApproval(db, {
            id: approvalId,
            personEmail: email,
            personName: state.name,
            achievementId: entry.id,
            achievementVersion: entry.version,
            decision: { ...record, ob },
            createdAt: now,
          });
          appendAudit(db, {
            at: now,
            actor: CRITERIA_ACTOR,
            action: "award.pending-approval",
            targetType: "approval",
            targetId: approvalId,
            details: { achievementId: entry.id, personEmail: email },
          });
        });
        outcomes.push({ achievementId: entry.id, outcome: "pending-approval", approvalId });
        continue;
      }
      let view: Awaited<ReturnType<typeof issueCredential>>;
      try {
        view = await issueCredential(ctx, {
          achievementId: entry.id,
          recipient: { email, name: state.name },
          actor: CRITERIA_ACTOR,
          decision: { ...ob, record },
          unlessHeld: true,
          ...(renewal ?? {}),
        });
      } catch (error) {
        // Another writer (another process) awarded it in the meantime: nothing to do.
        if (error instanceof AppError && error.code === "CONFLICT") {
          continue;
        }
        throw error;
      }
      outcomes.push({ achievementId: entry.id, outcome: "issued", credentialId: view.id });
      issuedThisRound++;
    }
    if (issuedThisRound === 0) {
      break;
    }
  }
  return outcomes;
}
