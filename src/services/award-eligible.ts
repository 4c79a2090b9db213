import { awardedDateOf } from "../domain/credential/build.js";
import { appendAudit } from "../storage/audit-repo.js";
import { findCredentialDocument } from "../storage/credentials-repo.js";
import { clearEvaluationDue, type DueMark, dueEvaluationMark } from "../storage/evaluations-due-repo.js";
import { listEvidenceFor } from "../storage/evidence-repo.js";
import { approvalsOfPerson, insertPendingApproval } from "../storage/person-credentials-repo.js";
import { type AwardDecision, type AwardFacts, decideAwards } from "./award-decisions.js";
import { everyRuleNeedsEvidence } from "./award-settled.js";
import type { ServiceContext } from "./deps.js";
import { type IssueOptions, issueCredentials } from "./issue-credential.js";
import type { IssueCredentialInput } from "./issue-plan.js";
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
export async function awardEligible(ctx: ServiceContext, email: string): Promise<AwardOutcome[]> {
  return (await awardEligibleMany(ctx, [email])).get(email) ?? [];
}

/**
 * awardEligible for many people at once (an evidence batch): each round evaluates every person still in play and
 * issues all their awards through one bulk issuance (issueCredentials: status indexes as a block, signing over the
 * pool, batched write transactions), so a batch costs no more per credential than single issuance. Holds every one
 * of their person locks (taken in one order, so two batches never wait for each other). Outcomes per person.
 */
export function awardEligibleMany(
  ctx: ServiceContext,
  emails: readonly string[],
  options: Pick<IssueOptions, "priority" | "persistBatch"> = {},
): Promise<Map<string, AwardOutcome[]>> {
  const people = [...new Set(emails)].sort();
  return withPersonLocks(ctx, people, async () => {
    const { outcomes, settled } = await evaluateAndAward(ctx, people, options);
    const clear = [...settled].filter(([, s]) => s.due !== undefined);
    if (clear.length > 0) {
      await ctx.store.tx(async (tx) => {
        for (const [email, { at, due }] of clear) {
          await clearEvaluationDue(tx, email, (due as DueMark).mark, at);
        }
      });
    }
    return outcomes;
  });
}

/** Runs `fn` holding the person lock of every one of `people` (sorted: locks are always taken in one order). */
function withPersonLocks<T>(ctx: ServiceContext, people: readonly string[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = people;
  return first === undefined ? fn() : withPersonLock(ctx, first, () => withPersonLocks(ctx, rest, fn));
}

/** The last round: when it read the facts, and the due mark it read just before (undefined: nobody marked). */
type Settled = { at: Date; due: DueMark | undefined };

async function evaluateAndAward(
  ctx: ServiceContext,
  people: readonly string[],
  options: Pick<IssueOptions, "priority" | "persistBatch">,
): Promise<{ outcomes: Map<string, AwardOutcome[]>; settled: Map<string, Settled> }> {
  const outcomes = new Map(people.map((email): [string, AwardOutcome[]] => [email, []]));
  const settled = new Map<string, Settled>();
  let inPlay = [...people];
  for (let round = 0; round <= ctx.catalog.entries.length && inPlay.length > 0; round++) {
    const reads = new Map<string, Settled>();
    const issues: { email: string; achievementId: string; input: IssueCredentialInput }[] = [];
    for (const email of inPlay) {
      // Read before the facts: whatever is stored after this read replaces the mark and keeps the person due.
      const due = await dueEvaluationMark(ctx.store.conn(), email);
      const facts = await loadAwardFacts(ctx, email);
      reads.set(email, { at: facts.now, due });
      if (!("state" in facts)) {
        continue;
      }
      for (const decision of decideAwards(ctx, facts)) {
        if (decision.action === "skip") {
          continue;
        }
        const award = await awardOf(ctx, facts, decision);
        if ("input" in award) {
          issues.push({ email, achievementId: decision.entry.id, input: award.input });
        } else {
          outcomes.get(email)?.push(award.queued);
        }
      }
    }
    const issued = new Set<string>();
    const results =
      issues.length > 0
        ? await issueCredentials(
            ctx,
            issues.map((i) => i.input),
            options,
          )
        : [];
    for (const [i, result] of results.entries()) {
      const { email, achievementId } = issues[i] as (typeof issues)[number];
      if (result.ok) {
        outcomes.get(email)?.push({ achievementId, outcome: "issued", credentialId: result.credential.id });
        issued.add(email);
      } else if (result.error.code !== "CONFLICT") {
        // Another writer (another process) awarding it in the meantime is a CONFLICT: nothing to do. Anything else
        // fails the evaluation; the person stays due.
        throw result.error;
      }
    }
    for (const email of inPlay) {
      if (!issued.has(email)) {
        // Nothing new: this round saw everything marked before it, its own awards' marks included.
        settled.set(email, reads.get(email) as Settled);
      }
    }
    inPlay = inPlay.filter((email) => issued.has(email));
  }
  return { outcomes, settled };
}

/**
 * The person's evidence and holdings now, and their approvals per certification with criteria; only the time when
 * nothing can be awarded to them: no evidence at all, and every certification's rule needs some (needsEvidence: met
 * only through a record), so every decision would be a skip. That is the evaluation after a credential issued by hand
 * to a person without evidence (or after a status change): their credentials and approvals are not read.
 */
async function loadAwardFacts(ctx: ServiceContext, email: string): Promise<AwardFacts | { now: Date }> {
  const now = ctx.clock();
  const rows = await listEvidenceFor(ctx.store.conn(), email);
  if (rows.length === 0 && everyRuleNeedsEvidence(ctx.catalog)) {
    return { now };
  }
  const state = await loadPersonState(ctx, email, rows);
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

/** What one decision comes to: an approval queued now, or the issuance to make (with the renewal it is). */
async function awardOf(
  ctx: ServiceContext,
  facts: AwardFacts,
  decision: Award,
): Promise<{ queued: AwardOutcome } | { input: IssueCredentialInput }> {
  const renewal = decision.renews ? await renewalOf(ctx, decision.renews) : undefined;
  const record = {
    ...decision.record,
    ...(renewal ? { renewal: { supersedes: renewal.supersedes, awardedDate: renewal.awardedDate.toISOString() } } : {}),
  };
  if (decision.action === "queue") {
    return { queued: await queueForApproval(ctx, facts, decision, record) };
  }
  return {
    input: {
      achievementId: decision.entry.id,
      recipient: { email: facts.state.email, name: facts.state.name },
      actor: CRITERIA_ACTOR,
      decision: { ...decision.ob, record },
      unlessHeld: true,
      ...(renewal ?? {}),
    },
  };
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
