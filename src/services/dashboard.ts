import { can, type Principal, programsWith } from "../domain/access.js";
import { DASHBOARD_COUNTS_MAX_AGE_MS, EXPIRY_HORIZON_DAYS } from "../domain/dashboard.js";
import { windowOpenAt } from "../domain/renewal.js";
import { DAY_MS } from "../domain/time.js";
import {
  activeExpiringAt,
  type CountByCertification,
  expiringBetween,
  issuedSince,
  newestAuditSeqs,
  undecidedApprovals,
} from "../storage/dashboard-repo.js";
import { type ActivityView, newestActivity } from "./audit.js";
import type { ServiceContext } from "./deps.js";

const RECENT_ACTIVITY = 10;

export type CertificationRef = { achievementId: string; name: string; program: string };

/**
 * The credential figures of the console's home for one set of programs, as counted at `countedAt`: shared by every
 * account that may read credentials of those programs until this node counts again (see credentialCounts), so it is
 * never changed once made (the overview renders it once per count too).
 */
export type DashboardCountsView = Readonly<{
  /** When the credential figures (issued, expiring, renewals) were counted: at most a short while ago. */
  countedAt: string;
  /** Monday 00:00 UTC of this week, and the 1st of this month, 00:00 UTC. */
  weekStart: string;
  monthStart: string;
  /** Credentials issued this week and this month, per certification the principal may read (those with any). */
  issued: ReadonlyArray<Readonly<CertificationRef & { week: number; month: number }>>;
  /** Active credentials whose expiry falls in the next 60 days, per certification. */
  expiring: Readonly<{ until: string; items: ReadonlyArray<Readonly<CertificationRef & { count: number }>> }>;
  /** Renewal windows open now, with how many active credentials fall due in each. */
  renewals: ReadonlyArray<Readonly<CertificationRef & { opens: string; closes: string; due: number }>>;
  /** The certifications these figures cover (the approvals waiting are summed over them on every view). */
  achievementIds: readonly string[];
}>;

/** The console's home figures, each present only when the principal may read it (null: not theirs to see). */
export type DashboardView = {
  /** The credential counts of the programs the principal may read credentials of. */
  counts: DashboardCountsView | null;
  /** Awards waiting for approval in those programs (read on every view). */
  pendingApprovals: number | null;
  /** The newest audit entries (audit:read; checked on every view: see recentActivity). Never changed once made. */
  activity: readonly ActivityView[] | null;
};

/** Monday 00:00 UTC of the week `now` falls in. */
export function weekStartOf(now: Date): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS);
}

/** The 1st of the month `now` falls in, 00:00 UTC. */
export function monthStartOf(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

function countsOf(rows: CountByCertification[]): Map<string, number> {
  return new Map(rows.map((row) => [row.achievementId, row.count]));
}

/**
 * The credential counts of the dashboard over every certification of one catalog, as of `at`: the week and month
 * (starting before `at`), the expiry horizon and the renewal windows open at `at`. Shared by every account (each sees
 * only its programs' rows of it).
 */
export type DashboardCounts = {
  at: Date;
  /** The catalog's certifications counted (the array a reload replaces: catalog-reload.ts changes the catalog in place). */
  entries: ServiceContext["catalog"]["entries"];
  weekStart: Date;
  monthStart: Date;
  until: Date;
  week: Map<string, number>;
  month: Map<string, number>;
  expiring: Map<string, number>;
  renewals: Map<string, { opens: Date; closes: Date; due: number }>;
  /** The view of these counts per set of programs (programsKey), made on the first view that asks. */
  views: Map<string, DashboardCountsView>;
};

async function countCredentials(ctx: ServiceContext, now: Date): Promise<DashboardCounts> {
  const db = ctx.store.conn();
  const entries = ctx.catalog.entries;
  const weekStart = weekStartOf(now);
  const monthStart = monthStartOf(now);
  const until = new Date(now.getTime() + EXPIRY_HORIZON_DAYS * DAY_MS);
  const ids = entries.map((e) => e.id);
  const [month, week, expiring] = await Promise.all([
    issuedSince(db, ids, monthStart),
    issuedSince(db, ids, weekStart),
    expiringBetween(db, now, until),
  ]);
  const renewals: DashboardCounts["renewals"] = new Map();
  for (const entry of entries) {
    const policy = entry.validity?.renewal;
    const window = policy ? windowOpenAt(policy, ctx.config.fiscalYearStartMonth, now) : undefined;
    if (window) {
      const due = await activeExpiringAt(db, entry.id, window.closes);
      renewals.set(entry.id, { opens: window.opens, closes: window.closes, due });
    }
  }
  return {
    at: now,
    entries,
    weekStart,
    monthStart,
    until,
    week: countsOf(week),
    month: countsOf(month),
    expiring: countsOf(expiring),
    renewals,
    views: new Map(),
  };
}

/**
 * This node's credential counts when they are fresh (counted under the catalog in use, at most
 * DASHBOARD_COUNTS_MAX_AGE_MS ago, never in the future of the clock), else counted again (once for the requests that
 * ask meanwhile). Every node counts from the shared database, so no node's figures are older than that.
 */
async function credentialCounts(ctx: ServiceContext, now: Date): Promise<DashboardCounts> {
  const held = ctx.state.dashboardCounts;
  const fresh = (counts: DashboardCounts | undefined): counts is DashboardCounts =>
    counts !== undefined &&
    counts.entries === ctx.catalog.entries &&
    counts.at.getTime() <= now.getTime() &&
    now.getTime() - counts.at.getTime() < DASHBOARD_COUNTS_MAX_AGE_MS;
  if (fresh(held.current)) {
    return held.current;
  }
  if (!held.pending) {
    const pending = countCredentials(ctx, now);
    held.pending = pending;
    pending.then(
      (counts) => {
        held.current = counts;
        held.pending = undefined;
      },
      () => {
        held.pending = undefined;
      },
    );
  }
  const counts = await held.pending;
  return fresh(counts) ? counts : countCredentials(ctx, now);
}

/** A set of programs as a key ("all", or the programs sorted). */
function programsKey(programs: "all" | readonly string[]): string {
  return programs === "all" ? "all" : JSON.stringify([...programs].sort());
}

/**
 * The counts' figures for the certifications of `programs`, made once per count and set of programs (an overview view
 * then does no work per certification: with twenty certifications that work cost as much as its two live reads).
 */
function countsViewOf(counts: DashboardCounts, programs: "all" | readonly string[]): DashboardCountsView {
  const key = programsKey(programs);
  const held = counts.views.get(key);
  if (held) {
    return held;
  }
  const issued: Array<CertificationRef & { week: number; month: number }> = [];
  const expiring: Array<CertificationRef & { count: number }> = [];
  const renewals: Array<CertificationRef & { opens: string; closes: string; due: number }> = [];
  const achievementIds: string[] = [];
  for (const entry of counts.entries) {
    if (programs !== "all" && !programs.includes(entry.program)) {
      continue;
    }
    const ref = { achievementId: entry.id, name: entry.name, program: entry.program };
    achievementIds.push(entry.id);
    const week = counts.week.get(entry.id) ?? 0;
    const month = counts.month.get(entry.id) ?? 0;
    if (week > 0 || month > 0) {
      issued.push(Object.freeze({ ...ref, week, month }));
    }
    const count = counts.expiring.get(entry.id) ?? 0;
    if (count > 0) {
      expiring.push(Object.freeze({ ...ref, count }));
    }
    const window = counts.renewals.get(entry.id);
    if (window) {
      const { due } = window;
      renewals.push(
        Object.freeze({ ...ref, opens: window.opens.toISOString(), closes: window.closes.toISOString(), due }),
      );
    }
  }
  const view: DashboardCountsView = Object.freeze({
    countedAt: counts.at.toISOString(),
    weekStart: counts.weekStart.toISOString(),
    monthStart: counts.monthStart.toISOString(),
    issued: Object.freeze(issued),
    expiring: Object.freeze({ until: counts.until.toISOString(), items: Object.freeze(expiring) }),
    renewals: Object.freeze(renewals),
    achievementIds: Object.freeze(achievementIds),
  });
  counts.views.set(key, view);
  return view;
}

function sameSeqs(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((seq, i) => seq === b[i]);
}

/**
 * The newest audit entries as of now. Every view reads the newest entries' sequence numbers (no row decoded); the
 * entries themselves are read again only when those differ from the ones this node last read: an entry never changes
 * once written, so the same numbers are the same entries, on any node. On PostgreSQL an entry numbered lower may
 * commit after a higher one: its number then appears among the newest and the list is read again. The entries kept
 * are keyed by their own numbers (another write may land between the two reads), and frozen: shared by views.
 */
async function recentActivity(ctx: ServiceContext): Promise<readonly ActivityView[]> {
  const seqs = await newestAuditSeqs(ctx.store.conn(), RECENT_ACTIVITY);
  const held = ctx.state.dashboardCounts.activity;
  if (held && sameSeqs(held.seqs, seqs)) {
    return held.entries;
  }
  const entries = Object.freeze(
    (await newestActivity(ctx, RECENT_ACTIVITY)).map((entry) => {
      Object.freeze(entry.target);
      return Object.freeze(entry);
    }),
  );
  ctx.state.dashboardCounts.activity = { seqs: entries.map((entry) => entry.seq), entries };
  return entries;
}

/**
 * The dashboard for one principal: every figure filtered to the programs it may read credentials of (`can`); the
 * recent activity only with audit:read. The credential counts come from this node's counts of every certification
 * (see credentialCounts: at most half a minute old, and the page says when they were counted), their view per set of
 * programs made once per count; the approvals queue is read on every view (an index range of the open queue), the
 * activity checked on every view (recentActivity).
 */
export async function dashboardFor(ctx: ServiceContext, principal: Principal): Promise<DashboardView> {
  const now = ctx.clock();
  const programs = programsWith(principal, "credentials:read");
  const view: DashboardView = { counts: null, pendingApprovals: null, activity: null };
  if (programs === "all" || programs.length > 0) {
    const [counts, approvals] = await Promise.all([credentialCounts(ctx, now), undecidedApprovals(ctx.store.conn())]);
    view.counts = countsViewOf(counts, programs);
    let pending = 0;
    for (const row of approvals) {
      if (view.counts.achievementIds.includes(row.achievementId)) {
        pending += row.count;
      }
    }
    view.pendingApprovals = pending;
  }
  if (can(principal, "audit:read")) {
    view.activity = await recentActivity(ctx);
  }
  return view;
}
