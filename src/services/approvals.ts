import type { Ob3Evidence, Ob3Result } from "../domain/criteria/decision.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { findCredential } from "../storage/credentials-repo.js";
import {
  decideApproval,
  findApproval,
  listUndecidedApprovals,
  type PendingApprovalRow,
} from "../storage/person-credentials-repo.js";
import { awardAfterChange } from "./award-due.js";
import type { AwardOutcome } from "./award-eligible.js";
import type { ServiceContext } from "./deps.js";
import { issueCredential } from "./issue-credential.js";
import { withPersonLock } from "./person-lock.js";

export type ApprovalView = {
  id: string;
  person: { email: string; name: string };
  certification: string;
  definitionVersion: string;
  createdAt: string;
  decision: Record<string, unknown>;
};

function toView(row: PendingApprovalRow): ApprovalView {
  return {
    id: row.id,
    person: { email: row.personEmail, name: row.personName },
    certification: row.achievementId,
    definitionVersion: row.achievementVersion,
    createdAt: row.createdAt.toISOString(),
    decision: row.decision,
  };
}

export async function listPendingApprovals(ctx: ServiceContext): Promise<ApprovalView[]> {
  return (await listUndecidedApprovals(ctx.store.conn())).map(toView);
}

/** One approval, decided or not (the console checks its program before deciding it); NOT_FOUND when unknown. */
export async function getApproval(ctx: ServiceContext, id: string): Promise<ApprovalView & { decided: boolean }> {
  const row = await findApproval(ctx.store.conn(), id);
  if (!row) {
    throw new AppError("NOT_FOUND", `No approval "${id}"`);
  }
  return { ...toView(row), decided: row.decidedAt !== null };
}

async function undecided(ctx: ServiceContext, id: string): Promise<PendingApprovalRow> {
  const row = await findApproval(ctx.store.conn(), id);
  if (!row) {
    throw new AppError("NOT_FOUND", `No approval "${id}"`);
  }
  if (row.decidedAt) {
    throw new AppError("CONFLICT", `Approval "${id}" was already ${row.outcome}`);
  }
  return row;
}

/**
 * Approves a pending award: issues the credential from the evaluation that queued it, then records
 * the decision (audited). The credential carries the same decision record as an automatic award.
 */
export async function approve(
  ctx: ServiceContext,
  id: string,
  actor: string,
): Promise<{ credentialId: string; awarded: AwardOutcome[] }> {
  const email = (await undecided(ctx, id)).personEmail;
  // Decided under the person's lock: a second approval of the same award waits, then finds it decided (409).
  const credentialId = await withPersonLock(ctx, email, () => approveLocked(ctx, id, actor));
  // The new credential can complete other certifications (prerequisites): evaluate the chain.
  return { credentialId, awarded: await awardAfterChange(ctx, [email]) };
}

/** Whether the credential has passed its validUntil (an unknown one counts as lapsed: nothing to supersede). */
async function lapsed(ctx: ServiceContext, credentialId: string): Promise<boolean> {
  const until = (await findCredential(ctx.store.conn(), credentialId))?.validUntil;
  return until === undefined || (until !== null && until.getTime() <= ctx.clock().getTime());
}

async function approveLocked(ctx: ServiceContext, id: string, actor: string): Promise<string> {
  const row = await undecided(ctx, id);
  const {
    ob,
    renewal: queued,
    ...record
  } = row.decision as {
    ob?: { evidence: Ob3Evidence[]; results: Ob3Result[] };
    renewal?: { supersedes: string; awardedDate: string };
  };
  // A renewal approved only after the credential it renews lapsed is a fresh award: the lapsed credential stays
  // expired (not revoked as superseded) and the new one starts its own awardedDate.
  const renewal = queued && !(await lapsed(ctx, queued.supersedes)) ? queued : undefined;
  const view = await issueCredential(ctx, {
    achievementId: row.achievementId,
    recipient: { email: row.personEmail, name: row.personName },
    actor,
    decision: {
      evidence: ob?.evidence ?? [],
      results: ob?.results ?? [],
      record: { ...record, ...(renewal ? { renewal } : {}), approvedBy: actor, approvalId: id },
    },
    unlessHeld: true,
    // A renewal queued for approval still supersedes the credential that fell due and keeps its awardedDate.
    ...(renewal ? { supersedes: renewal.supersedes, awardedDate: new Date(renewal.awardedDate) } : {}),
  });
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `person:${row.personEmail}`);
    const decided = await decideApproval(tx, id, {
      outcome: "approved",
      decidedBy: actor,
      decidedAt: now,
      reason: null,
      credentialId: view.id,
    });
    if (!decided) {
      throw new AppError("CONFLICT", `Approval "${id}" was decided meanwhile`);
    }
    await appendAudit(tx, {
      at: now,
      actor,
      action: "award.approved",
      targetType: "approval",
      targetId: id,
      details: { credentialId: view.id },
    });
  });
  return view.id;
}

export async function reject(ctx: ServiceContext, id: string, actor: string, reason: string): Promise<void> {
  const { personEmail } = await undecided(ctx, id);
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `person:${personEmail}`);
    if (
      !(await decideApproval(tx, id, {
        outcome: "rejected",
        decidedBy: actor,
        decidedAt: now,
        reason,
        credentialId: null,
      }))
    ) {
      throw new AppError("CONFLICT", `Approval "${id}" was decided meanwhile`);
    }
    await appendAudit(tx, {
      at: now,
      actor,
      action: "award.rejected",
      targetType: "approval",
      targetId: id,
      details: { reason },
    });
  });
}
