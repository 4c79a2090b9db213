import { html } from "hono/html";
import type { Child } from "hono/jsx";
import type { Site } from "../site.js";

/** The console's sections; a section appears in the navigation only to whoever may open it. */
export type ConsoleSection =
  | "home"
  | "credentials"
  | "people"
  | "evidence"
  | "approvals"
  | "catalog"
  | "events"
  | "api-keys"
  | "users"
  | "audit"
  | "password";

/** What every signed-in console page shows around its content. */
export type ConsoleChrome = {
  site: Site;
  user: { name: string; email: string };
  /** The sections this account may open. */
  sections: readonly ConsoleSection[];
  csrf: string;
};

const SECTION_LINKS: { section: ConsoleSection; href: string; label: string }[] = [
  { section: "home", href: "/console", label: "Overview" },
  { section: "credentials", href: "/console/credentials", label: "Credentials" },
  { section: "people", href: "/console/people", label: "People" },
  { section: "evidence", href: "/console/evidence/new", label: "Record evidence" },
  { section: "approvals", href: "/console/approvals", label: "Approvals" },
  { section: "catalog", href: "/console/catalog", label: "Catalog" },
  { section: "api-keys", href: "/console/api-keys", label: "API keys" },
  { section: "users", href: "/console/users", label: "Users" },
  { section: "audit", href: "/console/audit", label: "Audit log" },
  { section: "events", href: "/console/events", label: "Events" },
];

/** Each navigation entry as markup, plain and as the current page's, escaped once (they are constants). */
const NAV_ITEMS = SECTION_LINKS.map((link) => ({
  section: link.section,
  plain: html`<li><a href="${link.href}">${link.label}</a></li>`,
  current: html`<li><a href="${link.href}" aria-current="page">${link.label}</a></li>`,
}));

function ConsoleHead(props: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <title>{props.title} · Laurel console</title>
      <link rel="stylesheet" href="/public/laurel.css" />
    </head>
  );
}

/** The brand link of the console header. */
function Brand(props: { site: Site }) {
  return (
    <a class="brand" href="/console">
      {props.site.logoSrc ? <img class="brand__logo" src={props.site.logoSrc} alt="" width={40} height={40} /> : null}
      <span class="brand__name">
        {props.site.issuerName} <span class="console-tag">console</span>
      </span>
    </a>
  );
}

/**
 * A signed-in console page: header with the sections this account may open, who is signed in, and sign-out. Written
 * with hono/html (the same escaping as JSX, and the same markup as the JSX it replaced): every console page has it,
 * and as JSX elements it cost a short page more than its content.
 */
export function ConsoleLayout(props: {
  chrome: ConsoleChrome;
  title: string;
  /** The section this page belongs to (none: an error page). */
  current?: ConsoleSection;
  children?: Child;
}) {
  const { chrome } = props;
  const site = chrome.site;
  const nav = NAV_ITEMS.filter((item) => chrome.sections.includes(item.section)).map((item) =>
    item.section === props.current ? item.current : item.plain,
  );
  const logo = site.logoSrc
    ? html`<img class="brand__logo" src="${site.logoSrc}" alt="" width="40" height="40"/>`
    : null;
  const signOut = (action: string, label: string) =>
    html`<form method="post" action="${action}" aria-label="${label}"><input type="hidden" name="_csrf" value="${chrome.csrf}"/><button type="submit" class="button button--secondary">${label}</button></form>`;
  return html`<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="robots" content="noindex, nofollow"/><title>${props.title} · Laurel console</title><link rel="stylesheet" href="/public/laurel.css"/></head><body class="console"><a class="skip-link" href="#main">Skip to content</a><header class="site-header"><div class="wrap site-header__inner"><a class="brand" href="/console">${logo}<span class="brand__name">${site.issuerName} <span class="console-tag">console</span></span></a><nav aria-label="Console"><ul class="site-nav">${nav}</ul></nav></div></header><main id="main" class="wrap" tabindex="-1">${props.children}</main><footer class="site-footer"><div class="wrap console-account"><p>Signed in as <strong>${chrome.user.name}</strong> (${chrome.user.email}) · <a href="/console/password">Change password</a></p><div class="console-account__actions">${signOut("/console/sign-out", "Sign out")}${signOut("/console/sign-out-everywhere", "Sign out everywhere")}</div></div></footer></body></html>`;
}

/** A console page for someone not signed in (sign-in, single sign-on errors). */
export function PublicConsoleLayout(props: { site: Site; title: string; children?: Child }) {
  return (
    <html lang="en">
      <ConsoleHead title={props.title} />
      <body class="console">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap site-header__inner">
            <Brand site={props.site} />
          </div>
        </header>
        <main id="main" class="wrap console-narrow" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}
