import { achievementUrl } from "../domain/achievement.js";
import { decisionEntries } from "../domain/criteria/decision.js";
import { evaluateCriteria } from "../domain/criteria/evaluate.js";
import type { RuleReport } from "../domain/criteria/types.js";
import { appendAudit } from "../storage/audit-repo.js";
import { insertPendingApproval, undecidedApproval } from "../storage/person-credentials-repo.js";
import type { ServiceContext } from "./deps.js";
import { issueCredential } from "./issue-credential.js";
import { holdsValid, loadPersonState } from "./person-state.js";

export type AwardOutcome =
  | { achievementId: string; outcome: "issued"; credentialId: string }
  | { achievementId: string; outcome: "pending-approval"; approvalId: string };

export const CRITERIA_ACTOR = "system:criteria";

const locks = new WeakMap<ServiceContext, Map<string, Promise<unknown>>>();

/** Runs `fn` after every earlier call for the same person has finished (one evaluation at a time). */
function withPersonLock<T>(ctx: ServiceContext, email: string, fn: () => Promise<T>): Promise<T> {
  let byPerson = locks.get(ctx);
  if (!byPerson) {
    byPerson = new Map();
    locks.set(ctx, byPerson);
  }
  const previous = byPerson.get(email) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  const settled = next.catch(() => undefined);
  byPerson.set(email, settled);
  void settled.then(() => {
    if (byPerson?.get(email) === settled) {
      byPerson.delete(email);
    }
  });
  return next;
}

function evidenceIdsOf(report: RuleReport): string[] {
  return [...new Set([report.evidence, ...(report.children ?? []).map(evidenceIdsOf)].flat())].sort();
}

/**
 * Evaluates every certification with criteria for a person and awards each one met and not held:
 * issued at once, or queued for approval when its definition asks for it. Awards can unlock others
 * (prerequisites), so it evaluates again until nothing new is awarded. Serialised per person, so two
 * evidence submissions racing for the same person award exactly once.
 */
export function awardEligible(ctx: ServiceContext, email: string): Promise<AwardOutcome[]> {
  return withPersonLock(ctx, email, async () => {
    const outcomes: AwardOutcome[] = [];
    for (let round = 0; round <= ctx.catalog.entries.length; round++) {
      const now = ctx.clock();
      const state = loadPersonState(ctx, email);
      let issuedThisRound = 0;
      for (const entry of ctx.catalog.entries) {
        const rule = entry.criteria.rule;
        if (!rule || holdsValid(state.held, entry.id, now) || undecidedApproval(ctx.db, email, entry.id)) {
          continue;
        }
        const report = evaluateCriteria({ rule, evidence: state.evidence, held: state.held, now });
        if (report.status !== "met") {
          continue;
        }
        const url = achievementUrl(ctx.config.publicUrl, entry.id);
        const record = { definitionVersion: entry.version, evidenceIds: evidenceIdsOf(report), report };
        const ob = decisionEntries(rule, report, state.evidence, url);
        if (entry.criteria.requiresApproval) {
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
        const view = await issueCredential(ctx, {
          achievementId: entry.id,
          recipient: { email, name: state.name },
          actor: CRITERIA_ACTOR,
          decision: { ...ob, record },
        });
        outcomes.push({ achievementId: entry.id, outcome: "issued", credentialId: view.id });
        issuedThisRound++;
      }
      if (issuedThisRound === 0) {
        break;
      }
    }
    return outcomes;
  });
}
