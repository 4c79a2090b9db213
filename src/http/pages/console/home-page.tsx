import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { RoleGrant } from "../../../domain/access.js";
import { DASHBOARD_COUNTS_MAX_AGE_MS, EXPIRY_HORIZON_DAYS } from "../../../domain/dashboard.js";
import type { ActivityView } from "../../../services/audit.js";
import type { DashboardCountsView, DashboardView } from "../../../services/dashboard.js";
import { humanDay } from "../dates.js";
import { credentialsHref } from "./credentials-page.js";
import { grantWords, ROLE_WORDS } from "./grant-words.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

const SECTION_TEXT = [
  {
    section: "credentials",
    href: "/console/credentials",
    title: "Credentials",
    text: "Find, issue, revoke, suspend, reinstate and reissue credentials.",
  },
  {
    section: "evidence",
    href: "/console/evidence/new",
    title: "Record evidence",
    text: "Assessment results, graded labs, completions and rating forms, criterion by criterion.",
  },
  {
    section: "approvals",
    href: "/console/approvals",
    title: "Approvals",
    text: "Awards waiting for a program manager's approval: approve, or reject with a reason.",
  },
  {
    section: "catalog",
    href: "/console/catalog",
    title: "Catalog",
    text: "Every certification, its criteria and renewal policy.",
  },
  { section: "events", href: "/console/events", title: "Events", text: "The events outbox the API lists." },
  { section: "api-keys", href: "/console/api-keys", title: "API keys", text: "Keys for programs that call the API." },
  { section: "users", href: "/console/users", title: "Users", text: "Console accounts and their roles per program." },
  { section: "audit", href: "/console/audit", title: "Audit log", text: "Every change, who made it and when." },
] as const;

/** "2026-03-02 09:30" (UTC) for a table cell. */
export function shortInstant(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}

/** A certification's name linking to its credentials (hono/html, as the rows below: the same markup as their JSX). */
function certificationLink(id: string, name: string) {
  return html`<a href="${credentialsHref({ achievementId: id })}">${name}</a>`;
}

/** The Issued panel (hono/html: the same markup and escaping as the JSX it replaced, as every panel below). */
function issuedPanel(counts: DashboardCountsView) {
  const rows = counts.issued;
  const table =
    rows.length === 0
      ? html`<p>Nothing issued this month.</p>`
      : ConsoleTable({
          label: "Issued per certification",
          caption: "Credentials issued per certification",
          columns: ["Certification", "This week", "This month"],
          children: rows.map(
            (row) =>
              html`<tr><td>${certificationLink(row.achievementId, row.name)}</td><td class="console-number">${row.week}</td><td class="console-number">${row.month}</td></tr>`,
          ),
        });
  return html`<section class="panel dashboard-panel" aria-labelledby="issued-head"><h2 id="issued-head">Issued</h2><p class="muted">This week (since Monday ${humanDay(new Date(counts.weekStart))}) and this month (since ${humanDay(new Date(counts.monthStart))}), UTC.</p>${table}</section>`;
}

function approvalsPanel(count: number) {
  const words =
    count === 0
      ? "No award is waiting for a decision."
      : count === 1
        ? "One award meets its criteria and waits for a decision."
        : `${count} awards meet their criteria and wait for a decision.`;
  return html`<section class="panel dashboard-panel" aria-labelledby="approvals-head"><h2 id="approvals-head">Waiting for approval</h2><p class="dashboard-figure" data-figure="approvals">${count}</p><p>${words} <a href="/console/approvals">Open the approvals queue</a></p></section>`;
}

function expiringPanel(expiring: DashboardCountsView["expiring"]) {
  const total = expiring.items.reduce((sum, row) => sum + row.count, 0);
  const table =
    expiring.items.length === 0
      ? null
      : ConsoleTable({
          label: "Expiring per certification",
          caption: "Credentials expiring per certification",
          columns: ["Certification", "Credentials"],
          children: expiring.items.map(
            (row) =>
              html`<tr><td>${certificationLink(row.achievementId, row.name)}</td><td class="console-number">${row.count}</td></tr>`,
          ),
        });
  return html`<section class="panel dashboard-panel" aria-labelledby="expiring-head"><h2 id="expiring-head">Expiring in the next ${EXPIRY_HORIZON_DAYS} days</h2><p class="dashboard-figure" data-figure="expiring">${total}</p><p class="muted">Active credentials whose validity ends by ${humanDay(new Date(expiring.until))}.</p>${table}</section>`;
}

function renewalsPanel(renewals: DashboardCountsView["renewals"]) {
  const table =
    renewals.length === 0
      ? html`<p>No renewal window is open now.</p>`
      : ConsoleTable({
          label: "Open renewal windows",
          caption: "Renewal windows open now",
          columns: ["Certification", "Window", "Falling due"],
          children: renewals.map(
            (row) =>
              html`<tr><td>${certificationLink(row.achievementId, row.name)}</td><td>${humanDay(new Date(row.opens))} to ${humanDay(new Date(row.closes))}</td><td class="console-number">${row.due}</td></tr>`,
          ),
        });
  return html`<section class="panel dashboard-panel" aria-labelledby="renewals-head"><h2 id="renewals-head">Renewal windows open now</h2>${table}</section>`;
}

function activityPanel(entries: readonly ActivityView[]) {
  const table =
    entries.length === 0
      ? html`<p>Nothing yet.</p>`
      : ConsoleTable({
          label: "Recent activity",
          caption: "The newest audit entries",
          columns: ["When (UTC)", "Actor", "Action", "Target"],
          children: entries.map(
            (entry) =>
              html`<tr><td>${shortInstant(entry.at)}</td><td><code>${entry.actor}</code></td><td>${entry.action}</td><td>${entry.target.type} <code>${entry.target.id}</code></td></tr>`,
          ),
        });
  return html`<section class="panel dashboard-panel dashboard-panel--wide" aria-labelledby="activity-head"><h2 id="activity-head">Recent activity</h2>${table}<p><a href="/console/audit">The whole audit log</a></p></section>`;
}

/** The markup of one counts view: when counted, the Issued panel, the Expiring and Renewals panels. */
type CountsMarkup = { countedAt: HtmlEscapedString; issued: HtmlEscapedString; expiringAndRenewals: HtmlEscapedString };

/**
 * Each counts view rendered once: the service shares one (frozen) view per count and set of programs, so every
 * overview until the next count shows the same markup for it.
 */
const countsMarkup = new WeakMap<DashboardCountsView, CountsMarkup>();

function countsMarkupOf(counts: DashboardCountsView): CountsMarkup {
  let markup = countsMarkup.get(counts);
  if (!markup) {
    markup = {
      countedAt:
        html`<p class="muted" data-figure="counted-at">Credentials counted at ${shortInstant(counts.countedAt)}:${counts.countedAt.slice(17, 19)} UTC (counted again every ${DASHBOARD_COUNTS_MAX_AGE_MS / 1000} seconds); approvals and activity as of now.</p>` as HtmlEscapedString,
      issued: issuedPanel(counts) as HtmlEscapedString,
      expiringAndRenewals:
        html`${expiringPanel(counts.expiring)}${renewalsPanel(counts.renewals)}` as HtmlEscapedString,
    };
    countsMarkup.set(counts, markup);
  }
  return markup;
}

/** Each recent activity rendered once: the service shares one (frozen) list while the newest entries stay the same. */
const activityMarkup = new WeakMap<readonly ActivityView[], HtmlEscapedString>();

function activityMarkupOf(entries: readonly ActivityView[]): HtmlEscapedString {
  let markup = activityMarkup.get(entries);
  if (!markup) {
    markup = activityPanel(entries) as HtmlEscapedString;
    activityMarkup.set(entries, markup);
  }
  return markup;
}

function rolesPanel(grants: readonly RoleGrant[], via: string) {
  const list =
    grants.length === 0
      ? html`<p>Your account has no role yet: ask an administrator to give you one.</p>`
      : html`<ul>${grants.map((grant) => html`<li><strong>${grantWords(grant)}</strong> (may do ${ROLE_WORDS[grant.role].does})</li>`)}</ul>`;
  return html`<section class="panel" aria-labelledby="roles-head"><h2 id="roles-head">Your roles</h2>${list}<p class="muted">Signed in ${via === "sso" ? "through single sign-on" : "with your password"}.</p></section>`;
}

/**
 * The console's home: the dashboard (issued this week and month, approvals waiting, credentials expiring, renewal
 * windows open, recent activity: each only to whoever may read it), who is signed in with what roles, and the
 * sections they may open. Written with hono/html (the markup of the JSX it replaced), the credential counts' panels
 * rendered once per count (countsMarkupOf).
 */
export function ConsoleHomePage(props: {
  chrome: ConsoleChrome;
  grants: readonly RoleGrant[];
  via: string;
  dashboard: DashboardView;
}) {
  const { chrome, dashboard } = props;
  const counts = dashboard.counts ? countsMarkupOf(dashboard.counts) : null;
  const tiles = SECTION_TEXT.filter((s) => chrome.sections.includes(s.section)).map(
    (s) => html`<li class="tile"><h2 class="tile__title"><a href="${s.href}">${s.title}</a></h2><p>${s.text}</p></li>`,
  );
  const content = html`<h1>Welcome, ${chrome.user.name}</h1>${counts?.countedAt}<div class="dashboard">${counts?.issued}${dashboard.pendingApprovals === null ? null : approvalsPanel(dashboard.pendingApprovals)}${counts?.expiringAndRenewals}${dashboard.activity ? activityMarkupOf(dashboard.activity) : null}</div>${rolesPanel(props.grants, props.via)}<ul class="tiles console-tiles">${tiles}</ul>`;
  return ConsoleLayout({ chrome, title: "Overview", current: "home", children: content });
}
