import { listDueEvaluations } from "../storage/evaluations-due-repo.js";
import { type AwardOutcome, awardEligible } from "./award-eligible.js";
import type { ServiceContext } from "./deps.js";

export type DueEvaluationsRun = { due: number; evaluated: number; failed: number; awarded: AwardOutcome[] };

/**
 * Evaluates every person whose evaluation has been due since `markedBefore` (default: now) and can be completed now:
 * their evidence was stored (or a credential of theirs changed) but the evaluation that should have followed never
 * completed (the process died, the award failed, or a record was dated ahead of the clock and counts only now).
 * Each runs under the person's lock like any evaluation, and clears the person only once its awards are stored; the
 * issuing transaction's held-credential check keeps every award exactly-once, also against another process. A person
 * whose evaluation fails stays due for the next run; the others go on.
 */
export async function awardDueEvaluations(
  ctx: ServiceContext,
  options: { markedBefore?: Date } = {},
): Promise<DueEvaluationsRun> {
  const now = ctx.clock();
  const people = await listDueEvaluations(ctx.store.conn(), { markedBefore: options.markedBefore ?? now, now });
  const run = await evaluatePeople(ctx, people, "due evaluation failed");
  if (run.due > 0) {
    ctx.logger.info("due evaluations", {
      due: run.due,
      evaluated: run.evaluated,
      failed: run.failed,
      issued: run.awarded.filter((a) => a.outcome === "issued").length,
      pendingApproval: run.awarded.filter((a) => a.outcome === "pending-approval").length,
    });
  }
  return run;
}

/**
 * Evaluates the people a change other than evidence concerns (a credential issued by hand, approved or reissued, its
 * status changed): what a person holds meets prerequisites, so it can complete other certifications, awarded at once
 * as evidence does. The change marked them due in its own transaction, so an evaluation that fails here does not
 * fail the change: it is logged, and the sweep completes it.
 */
export async function awardAfterChange(ctx: ServiceContext, emails: readonly string[]): Promise<AwardOutcome[]> {
  return (await evaluatePeople(ctx, [...new Set(emails)], "evaluation after a change failed")).awarded;
}

async function evaluatePeople(ctx: ServiceContext, people: string[], failure: string): Promise<DueEvaluationsRun> {
  const run: DueEvaluationsRun = { due: people.length, evaluated: 0, failed: 0, awarded: [] };
  for (const email of people) {
    try {
      run.awarded.push(...(await awardEligible(ctx, email)));
      run.evaluated++;
    } catch (error) {
      run.failed++;
      // No address in logs: the person stays due and is retried; the error's kind says what went wrong.
      ctx.logger.error(failure, {
        error: error instanceof Error ? error.name : typeof error,
        code: errorCode(error),
      });
    }
  }
  return run;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
