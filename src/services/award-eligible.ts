import { awardedDateOf } from "../domain/credential/build.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { findCredentialDocument } from "../storage/credentials-repo.js";
import { clearEvaluationDue, type DueMark, dueEvaluationMark } from "../storage/evaluations-due-repo.js";
import { approvalsOfPerson, insertPendingApproval } from "../storage/person-credentials-repo.js";
import { type AwardDecision, type AwardFacts, decideAwards } from "./award-decisions.js";
import type { ServiceContext } from "./deps.js";
import { issueCredential } from "./issue-credential.js";
import { withPersonLock } from "./person-lock.js";
import { loadPersonState } from "./person-state.js";

export type AwardOutcome =
  | { achievementId: string; outcome: "issued"; credentialId: string }
  | { achievementId: string; outcome: "pending-approval"; approvalId: string };

export const CRITERIA_ACTOR = "system:criteria";

/** A renewal supersedes the credential that falls due and keeps its awardedDate (the original award's date). */
async function renewalOf(ctx: ServiceContext, supersedes: string): Promise<{ supersedes: string; awardedDate: Date }> {
  const stored = await findCredentialDocument(ctx.store.conn(), supersedes);
  const awardedDate = stored ? awardedDateOf(JSON.parse(stored.document)) : undefined;
  if (!awardedDate) {
    throw new Error(`credential ${supersedes} has no awardedDate`);
  }
  return { supersedes, awardedDate };
}

/**
 * Evaluates every certification with criteria for a person and awards each one met and not held:
 * issued at once, or queued for approval when its definition asks for it. Awards can unlock others
 * (prerequisites), so it evaluates again until nothing new is awarded. Serialised per person, so two
 * evidence submissions racing for the same person award exactly once. Once every award it makes is stored, the
 * person's due evaluation is cleared, unless something changed meanwhile (compare-and-clear on the mark read before
 * the last round, which its own awards' marks precede) or a record's time has not come (`notBefore`).
 */
export function awardEligible(ctx: ServiceContext, email: string): Promise<AwardOutcome[]> {
  return withPersonLock(ctx, email, async () => {
    const { outcomes, settled } = await evaluateAndAward(ctx, email);
    const due = settled?.due;
    if (settled !== undefined && due !== undefined) {
      await ctx.store.tx((tx) => clearEvaluationDue(tx, email, due.mark, settled.at));
    }
    return outcomes;
  });
}

/** The last round: when it read the facts, and the due mark it read just before (undefined: nobody marked). */
type Settled = { at: Date; due: DueMark | undefined };

async function evaluateAndAward(
  ctx: ServiceContext,
  email: string,
): Promise<{ outcomes: AwardOutcome[]; settled?: Settled }> {
  const outcomes: AwardOutcome[] = [];
  for (let round = 0; round <= ctx.catalog.entries.length; round++) {
    // Read before the facts: whatever is stored after this read replaces the mark and keeps the person due.
    const due = await dueEvaluationMark(ctx.store.conn(), email);
    const facts = await loadAwardFacts(ctx, email);
    let issuedThisRound = 0;
    for (const decision of decideAwards(ctx, facts)) {
      const outcome = decision.action === "skip" ? undefined : await actOn(ctx, facts, decision);
      if (outcome) {
        outcomes.push(outcome);
        issuedThisRound += outcome.outcome === "issued" ? 1 : 0;
      }
    }
    if (issuedThisRound === 0) {
      // Nothing new: this round saw everything marked before it, its own awards' marks included.
      return { outcomes, settled: { at: facts.now, due } };
    }
  }
  return { outcomes };
}

/** The person's evidence and holdings now, and their approvals per certification with criteria. */
async function loadAwardFacts(ctx: ServiceContext, email: string): Promise<AwardFacts> {
  const now = ctx.clock();
  const state = await loadPersonState(ctx, email);
  // One read for every certification (a round trip each would cost twenty on a network database).
  const all = await approvalsOfPerson(ctx.store.conn(), email);
  const approvals = new Map(
    ctx.catalog.entries
      .filter((entry) => entry.criteria.rule)
      .map((entry) => {
        const rows = all.filter((a) => a.achievementId === entry.id);
        const rejected = rows
          .filter((a) => a.outcome === "rejected")
          .map((a) => JSON.stringify(a.decision.evidenceIds));
        return [entry.id, { undecided: rows.some((a) => a.decidedAt === null), rejected: new Set(rejected) }] as const;
      }),
  );
  return { now, state, approvals };
}

type Award = Extract<AwardDecision, { action: "issue" | "queue" }>;

/** Carries out one decision: queues it for approval or issues it. Undefined when another writer awarded it first. */
async function actOn(ctx: ServiceContext, facts: AwardFacts, decision: Award): Promise<AwardOutcome | undefined> {
  const renewal = decision.renews ? await renewalOf(ctx, decision.renews) : undefined;
  const record = {
    ...decision.record,
    ...(renewal ? { renewal: { supersedes: renewal.supersedes, awardedDate: renewal.awardedDate.toISOString() } } : {}),
  };
  if (decision.action === "queue") {
    return queueForApproval(ctx, facts, decision, record);
  }
  try {
    const view = await issueCredential(ctx, {
      achievementId: decision.entry.id,
      recipient: { email: facts.state.email, name: facts.state.name },
      actor: CRITERIA_ACTOR,
      decision: { ...decision.ob, record },
      unlessHeld: true,
      ...(renewal ?? {}),
    });
    return { achievementId: decision.entry.id, outcome: "issued", credentialId: view.id };
  } catch (error) {
    // Another writer (another process) awarded it in the meantime: nothing to do.
    if (error instanceof AppError && error.code === "CONFLICT") {
      return undefined;
    }
    throw error;
  }
}

async function queueForApproval(
  ctx: ServiceContext,
  facts: AwardFacts,
  decision: Award,
  record: Record<string, unknown>,
): Promise<AwardOutcome> {
  const { now, state } = facts;
  const approvalId = ctx.newId();
  const achievementId = decision.entry.id;
  await ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `person:${state.email}`);
    await insertPendingApproval(tx, {
      id: approvalId,
      personEmail: state.email,
      personName: state.name,
      achievementId,
      achievementVersion: decision.entry.version,
      decision: { ...record, ob: decision.ob },
      createdAt: now,
    });
    await appendAudit(tx, {
      at: now,
      actor: CRITERIA_ACTOR,
      action: "award.pending-approval",
      targetType: "approval",
      targetId: approvalId,
      details: { achievementId, personEmail: state.email },
    });
  });
  return { achievementId, outcome: "pending-approval", approvalId };
}
