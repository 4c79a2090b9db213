import { can, type Principal, programsWith } from "../domain/access.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { EXPIRY_HORIZON_DAYS } from "../domain/dashboard.js";
import { windowOpenAt } from "../domain/renewal.js";
import { DAY_MS } from "../domain/time.js";
import {
  activeExpiringAt,
  type CountByCertification,
  expiringBetween,
  issuedSince,
  undecidedApprovals,
} from "../storage/dashboard-repo.js";
import { type AuditView, listAuditEntries } from "./audit.js";
import type { ServiceContext } from "./deps.js";

const RECENT_ACTIVITY = 10;

export type CertificationRef = { achievementId: string; name: string; program: string };

/** The console's home figures, each present only when the principal may read it (null: not theirs to see). */
export type DashboardView = {
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
  activity: AuditView[] | null;
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
 * The dashboard for one principal: every figure filtered to the programs it may read credentials of (`can`); the
 * recent activity only with audit:read. A handful of grouped, indexed queries: as fast on 100,000 credentials as on
 * ten (each reads the rows of its period, window or queue, never the whole table).
 */
export async function dashboardFor(ctx: ServiceContext, principal: Principal): Promise<DashboardView> {
  const now = ctx.clock();
  const db = ctx.store.conn();
  const weekStart = weekStartOf(now);
  const monthStart = monthStartOf(now);
  const programs = programsWith(principal, "credentials:read");
  const readable = ctx.catalog.entries.filter((e) => programs === "all" || programs.includes(e.program));
  const view: DashboardView = {
    weekStart: weekStart.toISOString(),
    monthStart: monthStart.toISOString(),
    issued: null,
    pendingApprovals: null,
    expiring: null,
    renewals: null,
    activity: null,
  };
  if (programs === "all" || programs.length > 0) {
    const ids = readable.map((e) => e.id);
    const [month, week, expiring, approvals] = await Promise.all([
      issuedSince(db, ids, monthStart),
      issuedSince(db, ids, weekStart),
      expiringBetween(db, now, new Date(now.getTime() + EXPIRY_HORIZON_DAYS * DAY_MS)),
      undecidedApprovals(db),
    ]);
    const weekCounts = countsOf(week);
    const monthCounts = countsOf(month);
    view.issued = readable
      .map((e) => ({ ...ref(e), week: weekCounts.get(e.id) ?? 0, month: monthCounts.get(e.id) ?? 0 }))
      .filter((row) => row.week > 0 || row.month > 0);
    const expiringCounts = countsOf(expiring);
    view.expiring = {
      until: new Date(now.getTime() + EXPIRY_HORIZON_DAYS * DAY_MS).toISOString(),
      items: readable.map((e) => ({ ...ref(e), count: expiringCounts.get(e.id) ?? 0 })).filter((row) => row.count > 0),
    };
    const approvalCounts = countsOf(approvals);
    view.pendingApprovals = readable.reduce((sum, e) => sum + (approvalCounts.get(e.id) ?? 0), 0);
    const renewals: NonNullable<DashboardView["renewals"]> = [];
    for (const entry of readable) {
      const policy = entry.validity?.renewal;
      const window = policy ? windowOpenAt(policy, ctx.config.fiscalYearStartMonth, now) : undefined;
      if (window) {
        renewals.push({
          ...ref(entry),
          opens: window.opens.toISOString(),
          closes: window.closes.toISOString(),
          due: await activeExpiringAt(db, entry.id, window.closes),
        });
      }
    }
    view.renewals = renewals;
  }
  if (can(principal, "audit:read")) {
    view.activity = (await listAuditEntries(ctx, { limit: RECENT_ACTIVITY })).items;
  }
  return view;
}
