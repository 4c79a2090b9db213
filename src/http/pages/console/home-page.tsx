import { html } from "hono/html";
import type { RoleGrant } from "../../../domain/access.js";
import { DASHBOARD_COUNTS_MAX_AGE_MS, EXPIRY_HORIZON_DAYS } from "../../../domain/dashboard.js";
import type { ActivityView } from "../../../services/audit.js";
import type { DashboardView } from "../../../services/dashboard.js";
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

function IssuedPanel(props: { view: DashboardView }) {
  const rows = props.view.issued ?? [];
  return (
    <section class="panel dashboard-panel" aria-labelledby="issued-head">
      <h2 id="issued-head">Issued</h2>
      <p class="muted">
        This week (since Monday {humanDay(new Date(props.view.weekStart))}) and this month (since{" "}
        {humanDay(new Date(props.view.monthStart))}), UTC.
      </p>
      {rows.length === 0 ? (
        <p>Nothing issued this month.</p>
      ) : (
        <ConsoleTable
          label="Issued per certification"
          caption="Credentials issued per certification"
          columns={["Certification", "This week", "This month"]}
        >
          {rows.map(
            (row) =>
              html`<tr><td>${certificationLink(row.achievementId, row.name)}</td><td class="console-number">${row.week}</td><td class="console-number">${row.month}</td></tr>`,
          )}
        </ConsoleTable>
      )}
    </section>
  );
}

function ApprovalsPanel(props: { count: number }) {
  return (
    <section class="panel dashboard-panel" aria-labelledby="approvals-head">
      <h2 id="approvals-head">Waiting for approval</h2>
      <p class="dashboard-figure" data-figure="approvals">
        {props.count}
      </p>
      <p>
        {props.count === 0
          ? "No award is waiting for a decision."
          : props.count === 1
            ? "One award meets its criteria and waits for a decision."
            : `${props.count} awards meet their criteria and wait for a decision.`}{" "}
        <a href="/console/approvals">Open the approvals queue</a>
      </p>
    </section>
  );
}

function ExpiringPanel(props: { expiring: NonNullable<DashboardView["expiring"]> }) {
  const total = props.expiring.items.reduce((sum, row) => sum + row.count, 0);
  return (
    <section class="panel dashboard-panel" aria-labelledby="expiring-head">
      <h2 id="expiring-head">Expiring in the next {EXPIRY_HORIZON_DAYS} days</h2>
      <p class="dashboard-figure" data-figure="expiring">
        {total}
      </p>
      <p class="muted">Active credentials whose validity ends by {humanDay(new Date(props.expiring.until))}.</p>
      {props.expiring.items.length === 0 ? null : (
        <ConsoleTable
          label="Expiring per certification"
          caption="Credentials expiring per certification"
          columns={["Certification", "Credentials"]}
        >
          {props.expiring.items.map(
            (row) =>
              html`<tr><td>${certificationLink(row.achievementId, row.name)}</td><td class="console-number">${row.count}</td></tr>`,
          )}
        </ConsoleTable>
      )}
    </section>
  );
}

function RenewalsPanel(props: { renewals: NonNullable<DashboardView["renewals"]> }) {
  return (
    <section class="panel dashboard-panel" aria-labelledby="renewals-head">
      <h2 id="renewals-head">Renewal windows open now</h2>
      {props.renewals.length === 0 ? (
        <p>No renewal window is open now.</p>
      ) : (
        <ConsoleTable
          label="Open renewal windows"
          caption="Renewal windows open now"
          columns={["Certification", "Window", "Falling due"]}
        >
          {props.renewals.map(
            (row) =>
              html`<tr><td>${certificationLink(row.achievementId, row.name)}</td><td>${humanDay(new Date(row.opens))} to ${humanDay(new Date(row.closes))}</td><td class="console-number">${row.due}</td></tr>`,
          )}
        </ConsoleTable>
      )}
    </section>
  );
}

function ActivityPanel(props: { entries: ActivityView[] }) {
  return (
    <section class="panel dashboard-panel dashboard-panel--wide" aria-labelledby="activity-head">
      <h2 id="activity-head">Recent activity</h2>
      {props.entries.length === 0 ? (
        <p>Nothing yet.</p>
      ) : (
        <ConsoleTable
          label="Recent activity"
          caption="The newest audit entries"
          columns={["When (UTC)", "Actor", "Action", "Target"]}
        >
          {props.entries.map(
            (entry) =>
              html`<tr><td>${shortInstant(entry.at)}</td><td><code>${entry.actor}</code></td><td>${entry.action}</td><td>${entry.target.type} <code>${entry.target.id}</code></td></tr>`,
          )}
        </ConsoleTable>
      )}
      <p>
        <a href="/console/audit">The whole audit log</a>
      </p>
    </section>
  );
}

/**
 * The console's home: the dashboard (issued this week and month, approvals waiting, credentials expiring, renewal
 * windows open, recent activity: each only to whoever may read it), who is signed in with what roles, and the
 * sections they may open.
 */
export function ConsoleHomePage(props: {
  chrome: ConsoleChrome;
  grants: readonly RoleGrant[];
  via: string;
  dashboard: DashboardView;
}) {
  const { chrome, dashboard } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Overview" current="home">
      <h1>Welcome, {chrome.user.name}</h1>
      {dashboard.issued ? (
        <p class="muted" data-figure="counted-at">
          Credentials counted at {shortInstant(dashboard.countedAt)}:{dashboard.countedAt.slice(17, 19)} UTC (counted
          again every {DASHBOARD_COUNTS_MAX_AGE_MS / 1000} seconds); approvals and activity as of now.
        </p>
      ) : null}
      <div class="dashboard">
        {dashboard.issued ? <IssuedPanel view={dashboard} /> : null}
        {dashboard.pendingApprovals === null ? null : <ApprovalsPanel count={dashboard.pendingApprovals} />}
        {dashboard.expiring ? <ExpiringPanel expiring={dashboard.expiring} /> : null}
        {dashboard.renewals ? <RenewalsPanel renewals={dashboard.renewals} /> : null}
        {dashboard.activity ? <ActivityPanel entries={dashboard.activity} /> : null}
      </div>
      <section class="panel" aria-labelledby="roles-head">
        <h2 id="roles-head">Your roles</h2>
        {props.grants.length === 0 ? (
          <p>Your account has no role yet: ask an administrator to give you one.</p>
        ) : (
          <ul>
            {props.grants.map((grant) => (
              <li>
                <strong>{grantWords(grant)}</strong> (may do {ROLE_WORDS[grant.role].does})
              </li>
            ))}
          </ul>
        )}
        <p class="muted">Signed in {props.via === "sso" ? "through single sign-on" : "with your password"}.</p>
      </section>
      <ul class="tiles console-tiles">
        {SECTION_TEXT.filter((s) => chrome.sections.includes(s.section)).map(
          (s) =>
            html`<li class="tile"><h2 class="tile__title"><a href="${s.href}">${s.title}</a></h2><p>${s.text}</p></li>`,
        )}
      </ul>
    </ConsoleLayout>
  );
}
