import { achievementUrl } from "../domain/achievement.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { decisionEntries, type Ob3Evidence, type Ob3Result } from "../domain/criteria/decision.js";
import { evaluateCriteria, prepareEvidence } from "../domain/criteria/evaluate.js";
import { needsEvidence } from "../domain/criteria/needs-evidence.js";
import type { RuleReport } from "../domain/criteria/types.js";
import { basisFor, spentAssessments } from "./award-basis.js";
import type { ServiceContext } from "./deps.js";
import type { PersonState } from "./person-state.js";

/** What is known about a person when their awards are decided: read once per evaluation round. */
export type AwardFacts = {
  now: Date;
  state: PersonState;
  /**
   * Per certification with criteria: whether an award of it waits for an admin's approval, and the evidence sets
   * (JSON of the sorted evidence ids) of the awards an admin rejected.
   */
  approvals: ReadonlyMap<string, { undecided: boolean; rejected: ReadonlySet<string> }>;
};

/** What an award keeps beside its credential: the definition version, the deciding evidence and the report. */
export type AwardRecord = { definitionVersion: string; evidenceIds: string[]; report: RuleReport };

/** Why a certification with criteria is not awarded now. */
export type SkipReason = "awaiting-approval" | "held" | "not-met" | "rejected-before";

export type AwardDecision =
  | { action: "skip"; achievementId: string; why: SkipReason }
  | {
      /** Issue at once, or queue for approval (definitions with `criteria.requiresApproval`). */
      action: "issue" | "queue";
      entry: CatalogEntry;
      record: AwardRecord;
      /** What the credential carries. */
      ob: { evidence: Ob3Evidence[]; results: Ob3Result[] };
      /** A renewal: the credential that falls due, which the new one supersedes. */
      renews?: string;
    };

/** The evidence that decided the award: the root report's (composites keep only their deciding children's). */
function evidenceIdsOf(report: RuleReport): string[] {
  return [...new Set(report.evidence)].sort();
}

/**
 * Decides, for every certification with criteria, whether to issue it, queue it for approval, or skip it (and why).
 * Pure: it reads only the facts, the catalog and the settings, and writes nothing.
 */
export function decideAwards(ctx: Pick<ServiceContext, "catalog" | "config">, facts: AwardFacts): AwardDecision[] {
  return ctx.catalog.entries.flatMap((entry) => {
    const decision = decideAward(ctx, facts, entry);
    return decision ? [decision] : [];
  });
}

function decideAward(
  ctx: Pick<ServiceContext, "config">,
  facts: AwardFacts,
  entry: CatalogEntry,
): AwardDecision | undefined {
  const rule = entry.criteria.rule;
  if (!rule) {
    return undefined;
  }
  const skip = (why: SkipReason): AwardDecision => ({ action: "skip", achievementId: entry.id, why });
  const approvals = facts.approvals.get(entry.id);
  if (approvals?.undecided) {
    return skip("awaiting-approval");
  }
  const { now, state } = facts;
  const basis = basisFor(ctx, entry, state.held, now);
  if (basis.kind === "held") {
    return skip("held");
  }
  // A person without a record that counts (a credential issued by hand to someone without evidence, the evaluation
  // after a status change) cannot meet a rule that needs evidence: skipped without evaluating it, as not met.
  if (needsEvidence(rule) && prepareEvidence(state.evidence, now.getTime()).length === 0) {
    return skip("not-met");
  }
  const spent = spentAssessments(basis, state.held, now);
  const report = evaluateCriteria({ rule, evidence: state.evidence, held: state.held, now, spent });
  if (report.status !== "met") {
    return skip("not-met");
  }
  const record = { definitionVersion: entry.version, evidenceIds: evidenceIdsOf(report), report };
  const queue = entry.criteria.requiresApproval === true;
  // An admin already rejected this award on the same evidence: do not queue it again.
  if (queue && approvals?.rejected.has(JSON.stringify(record.evidenceIds))) {
    return skip("rejected-before");
  }
  const ob = decisionEntries(rule, report, state.evidence, achievementUrl(ctx.config.publicUrl, entry.id));
  const renews = basis.kind === "renewal" ? { renews: basis.supersedes } : {};
  return { action: queue ? "queue" : "issue", entry, record, ob, ...renews };
}
