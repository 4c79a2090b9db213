import { can, type Principal, programsWith } from "../domain/access.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { DASHBOARD_COUNTS_MAX_AGE_MS, EXPIRY_HORIZON_DAYS } from "../domain/dashboard.js";
import { windowOpenAt } from "../domain/renewal.js";
import { DAY_MS } from "../domain/time.js";
import {
  activeExpiringAt,
  type CountByCertification,
  expiringBetween,
  issuedSince,
  undecidedApprovals,
} from "../storage/dashboard-repo.js";
import { type ActivityView, newestActivity } from "./audit.js";
import type { ServiceContext } from "./deps.js";

const RECENT_ACTIVITY = 10;

export type CertificationRef = { achievementId: string; name: string; program: string };

/** The console's home figures, each present only when the principal may read it (null: not theirs to see). */
export type DashboardView = {
  /** When the credential figures (issued, expiring, renewals) were counted: at most a short while ago. */
  countedAt: string;
  /** Monday 00:00 UTC of this week, and the 1st of this month, 00:00 UTC. */
  weekStart: string;
  monthStart: string;
  /** Credentials issued this week and this month, per certification the principal may read (those with any). */
  issued: Array<CertificationRef & { week: number; month: number }> | null;
  /** Awards waiting for approval in those programs. */
  pendingApprovals: number | null;
  /** Active credentials whose expiry falls in the next 60 days, per certification. */
  expiring: { until: string; items: Array<CertificationRef & { count: number }> } | null;
  /** Renewal windows open now, with how many active credentials fall due in each. */
  renewals: Array<CertificationRef & { opens: string; closes: string; due: number }> | null;
  /** The newest audit entries (audit:read). */
  activity: ActivityView[] | null;
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

function ref(entry: CatalogEntry): CertificationRef {
  return { achievementId: entry.id, name: entry.name, program: entry.program };
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
  catalog: ServiceContext["catalog"];
  weekStart: Date;
  monthStart: Date;
  until: Date;
  week: Map<string, number>;
  month: Map<string, number>;
  expiring: Map<string, number>;
  renewals: Map<string, { opens: Date; closes: Date; due: number }>;
};

async function countCredentials(ctx: ServiceContext, now: Date): Promise<DashboardCounts> {
  const db = ctx.store.conn();
  const catalog = ctx.catalog;
  const weekStart = weekStartOf(now);
  const monthStart = monthStartOf(now);
  const until = new Date(now.getTime() + EXPIRY_HORIZON_DAYS * DAY_MS);
  const ids = catalog.entries.map((e) => e.id);
  const [month, week, expiring] = await Promise.all([
    issuedSince(db, ids, monthStart),
    issuedSince(db, ids, weekStart),
    expiringBetween(db, now, until),
  ]);
  const renewals: DashboardCounts["renewals"] = new Map();
  for (const entry of catalog.entries) {
    const policy = entry.validity?.renewal;
    const window = policy ? windowOpenAt(policy, ctx.config.fiscalYearStartMonth, now) : undefined;
    if (window) {
      const due = await activeExpiringAt(db, entry.id, window.closes);
      renewals.set(entry.id, { opens: window.opens, closes: window.closes, due });
    }
  }
  return {
    at: now,
    catalog,
    weekStart,
    monthStart,
    until,
    week: countsOf(week),
    month: countsOf(month),
    expiring: countsOf(expiring),
    renewals,
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
    counts.catalog === ctx.catalog &&
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

/**
 * The dashboard for one principal: every figure filtered to the programs it may read credentials of (`can`); the
 * recent activity only with audit:read. The credential counts come from this node's counts of every certification
 * (see credentialCounts: at most half a minute old, and the page says when they were counted); the approvals queue
 * and the activity are read on every view (an index range of the open queue, the newest audit entries).
 */
export async function dashboardFor(ctx: ServiceContext, principal: Principal): Promise<DashboardView> {
  const now = ctx.clock();
  const db = ctx.store.conn();
  const programs = programsWith(principal, "credentials:read");
  const readable = ctx.catalog.entries.filter((e) => programs === "all" || programs.includes(e.program));
  const view: DashboardView = {
    countedAt: now.toISOString(),
    weekStart: weekStartOf(now).toISOString(),
    monthStart: monthStartOf(now).toISOString(),
    issued: null,
    pendingApprovals: null,
    expiring: null,
    renewals: null,
    activity: null,
  };
  if (programs === "all" || programs.length > 0) {
    const [counts, approvals] = await Promise.all([credentialCounts(ctx, now), undecidedApprovals(db)]);
    view.countedAt = counts.at.toISOString();
    view.weekStart = counts.weekStart.toISOString();
    view.monthStart = counts.monthStart.toISOString();
    view.issued = readable
      .map((e) => ({ ...ref(e), week: counts.week.get(e.id) ?? 0, month: counts.month.get(e.id) ?? 0 }))
      .filter((row) => row.week > 0 || row.month > 0);
    view.expiring = {
      until: counts.until.toISOString(),
      items: readable.map((e) => ({ ...ref(e), count: counts.expiring.get(e.id) ?? 0 })).filter((row) => row.count > 0),
    };
    const approvalCounts = countsOf(approvals);
    view.pendingApprovals = readable.reduce((sum, e) => sum + (approvalCounts.get(e.id) ?? 0), 0);
    view.renewals = readable.flatMap((e) => {
      const window = counts.renewals.get(e.id);
      return window
        ? [{ ...ref(e), opens: window.opens.toISOString(), closes: window.closes.toISOString(), due: window.due }]
        : [];
    });
  }
  if (can(principal, "audit:read")) {
    view.activity = await newestActivity(ctx, RECENT_ACTIVITY);
  }
  return view;
}
