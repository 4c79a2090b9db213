import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { evaluateCriteria } from "../domain/criteria/evaluate.js";
import { stableUntil } from "../domain/criteria/stable-until.js";
import type { RuleReport } from "../domain/criteria/types.js";
import { AppError } from "../errors.js";
import { listPeopleWithEvidence } from "../storage/evidence-repo.js";
import { approvalsOfPerson, type PendingApprovalRow } from "../storage/person-credentials-repo.js";
import { basisFor, spentAssessments } from "./award-basis.js";
import type { ServiceContext } from "./deps.js";
import { holdsValid, loadPersonState, type PersonState } from "./person-state.js";

/** `renewal-due`: holds it, and it falls due in the renewal window open now (see domain/renewal.ts). */
export type ProgressStatus = "held" | "renewal-due" | "pending-approval" | "eligible" | "in-progress" | "not-automated";

export type CertificationProgress = {
  certification: string;
  name: string;
  status: ProgressStatus;
  /** Share of the rule's evidence and prerequisite leaves that are met (0–1). */
  progress: number;
  report: RuleReport | null;
};

function leafShare(report: RuleReport): number {
  const leaves: RuleReport[] = [];
  const walk = (r: RuleReport) => (r.children?.length ? r.children.forEach(walk) : leaves.push(r));
  walk(report);
  return leaves.length ? leaves.filter((l) => l.status === "met").length / leaves.length : 0;
}

/** The certifications a person has an approval awaiting a decision for (their approvals, read once). */
function awaitingApproval(approvals: readonly PendingApprovalRow[]): Set<string> {
  return new Set(approvals.filter((a) => a.decidedAt === null).map((a) => a.achievementId));
}

function progressOf(
  ctx: ServiceContext,
  state: PersonState,
  entry: CatalogEntry,
  now: Date,
  pending: ReadonlySet<string>,
): CertificationProgress {
  const rule = entry.criteria.rule;
  const base = { certification: entry.id, name: entry.name };
  if (!rule) {
    return {
      ...base,
      status: holdsValid(state.held, entry.id, now) ? "held" : "not-automated",
      progress: 0,
      report: null,
    };
  }
  // Judged as the award is: a renewal or re-award counts only fresh assessments (the others are shown as used).
  const basis = basisFor(ctx, entry, state.held, now);
  const spent = spentAssessments(basis, state.held, now);
  const report = evaluateCriteria({ rule, evidence: state.evidence, held: state.held, now, spent });
  const status: ProgressStatus =
    basis.kind === "held"
      ? "held"
      : basis.kind === "renewal"
        ? "renewal-due"
        : pending.has(entry.id)
          ? "pending-approval"
          : report.status === "met"
            ? "eligible"
            : "in-progress";
  return { ...base, status, progress: leafShare(report), report };
}

/** A person's standing on every certification of the catalog, with each report tree. */
export async function progressForPerson(ctx: ServiceContext, email: string): Promise<CertificationProgress[]> {
  const state = await loadPersonState(ctx, normaliseEmail(email));
  const approvals = await approvalsOfPerson(ctx.store.conn(), state.email);
  return progressOn(ctx, state, ctx.catalog.entries, approvals);
}

/**
 * A person's standing on these certifications only, from what the caller has already read of them (their state and
 * every approval of theirs): one evaluation per certification, no query. The evidence is prepared once for all of
 * them (evaluate.ts `prepareEvidence` keeps it per array and instant).
 */
export function progressOn(
  ctx: ServiceContext,
  state: PersonState,
  entries: readonly CatalogEntry[],
  approvals: readonly PendingApprovalRow[],
): CertificationProgress[] {
  const now = ctx.clock();
  const pending = awaitingApproval(approvals);
  return entries.map((entry) => progressOf(ctx, state, entry, now, pending));
}

/**
 * Until when (ms) a person's standing on these certifications, judged at `now` from `state`, stays the same by the
 * passing of time alone (domain/criteria/stable-until.ts): the records' dates, the credentials' validity, the renewal
 * windows of these certifications and their rules' `withinMonths`.
 */
export function progressStableUntil(
  ctx: ServiceContext,
  state: PersonState,
  entries: readonly CatalogEntry[],
  now: Date,
): number {
  return stableUntil({
    rules: entries.flatMap((e) => (e.criteria.rule ? [e.criteria.rule] : [])),
    renewals: entries.flatMap((e) => (e.validity?.renewal ? [e.validity.renewal] : [])),
    fiscalStartMonth: ctx.config.fiscalYearStartMonth,
    evidence: state.evidence,
    held: state.held,
    now,
  });
}

/** Who is eligible for, awaiting approval of, close to (≥ half the rule met), holding, or due to renew one certification. */
export async function candidatesFor(ctx: ServiceContext, certification: string) {
  const entry = ctx.catalog.get(certification);
  if (!entry) {
    throw new AppError("NOT_FOUND", `No certification "${certification}"`);
  }
  const now = ctx.clock();
  const groups = {
    eligible: [] as string[],
    pending: [] as string[],
    close: [] as string[],
    held: [] as string[],
    renewalDue: [] as string[],
  };
  for (const email of await listPeopleWithEvidence(ctx.store.conn())) {
    const state = await loadPersonState(ctx, email);
    const p = progressOf(ctx, state, entry, now, awaitingApproval(await approvalsOfPerson(ctx.store.conn(), email)));
    if (p.status === "held") {
      groups.held.push(email);
    } else if (p.status === "renewal-due") {
      groups.renewalDue.push(email);
    } else if (p.status === "pending-approval") {
      groups.pending.push(email);
    } else if (p.status === "eligible") {
      groups.eligible.push(email);
    } else if (p.progress >= 0.5) {
      groups.close.push(email);
    }
  }
  return { certification, ...groups };
}
