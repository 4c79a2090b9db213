import { html, raw } from "hono/html";
import type { Child } from "hono/jsx";
import { escapeToBuffer } from "hono/utils/html";
import type { Site } from "../site.js";
import { encoded, type PageWriter, writePage } from "./page-bytes.js";

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
  plain: String(html`<li><a href="${link.href}">${link.label}</a></li>`),
  current: String(html`<li><a href="${link.href}" aria-current="page">${link.label}</a></li>`),
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

/** Text escaped as hono/html escapes an interpolated string. */
function escaped(text: string): string {
  const buffer: [string] = [""];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/**
 * The part of a signed-in page between its title and its content (the header: brand and navigation), by site, then
 * by the account's sections and the current one: the same for every page of an account's section, so it is made once
 * per combination (a handful: one per role mix and section) instead of on every page. The site is the frozen object
 * siteOf keeps per configuration, so a changed configuration makes another.
 */
const HEADERS = new WeakMap<Site, Map<string, string>>();
/** Combinations kept per site at most (a bound on memory whatever the accounts' grants). */
const HEADERS_KEPT = 256;

function headerOf(site: Site, sections: readonly ConsoleSection[], current: ConsoleSection | undefined): string {
  const key = `${current ?? ""}|${sections.join(",")}`;
  let bySections = HEADERS.get(site);
  const hit = bySections?.get(key);
  if (hit !== undefined) {
    return hit;
  }
  let nav = "";
  for (const item of NAV_ITEMS) {
    if (sections.includes(item.section)) {
      nav += item.section === current ? item.current : item.plain;
    }
  }
  const logo = site.logoSrc
    ? `<img class="brand__logo" src="${escaped(site.logoSrc)}" alt="" width="40" height="40"/>`
    : "";
  const header = ` · Laurel console</title><link rel="stylesheet" href="/public/laurel.css"/></head><body class="console"><a class="skip-link" href="#main">Skip to content</a><header class="site-header"><div class="wrap site-header__inner"><a class="brand" href="/console">${logo}<span class="brand__name">${escaped(site.issuerName)} <span class="console-tag">console</span></span></a><nav aria-label="Console"><ul class="site-nav">${nav}</ul></nav></div></header><main id="main" class="wrap" tabindex="-1">`;
  if (!bySections || bySections.size >= HEADERS_KEPT) {
    bySections = new Map();
    HEADERS.set(site, bySections);
  }
  bySections.set(key, header);
  return header;
}

function signOutForm(action: string, label: string, csrf: string): string {
  return `<form method="post" action="${action}" aria-label="${label}"><input type="hidden" name="_csrf" value="${escaped(csrf)}"/><button type="submit" class="button button--secondary">${label}</button></form>`;
}

/** What renderPage puts before every page (consoleLayoutEdges starts with it: its pages are sent without renderPage). */
const DOCTYPE = "<!doctype html>";

/** The markup of a signed-in page from <html> to the opening of <main> (the header: see headerOf). */
function layoutStart(chrome: ConsoleChrome, title: string, current: ConsoleSection | undefined): string {
  return `<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="robots" content="noindex, nofollow"/><title>${escaped(title)}${headerOf(chrome.site, chrome.sections, current)}`;
}

/** The markup of a signed-in page from the end of <main> to the document's end: who is signed in, and sign-out. */
function layoutEnd(chrome: ConsoleChrome): string {
  return `</main><footer class="site-footer"><div class="wrap console-account"><p>Signed in as <strong>${escaped(chrome.user.name)}</strong> (${escaped(chrome.user.email)}) · <a href="/console/password">Change password</a></p><div class="console-account__actions">${signOutForm("/console/sign-out", "Sign out", chrome.csrf)}${signOutForm("/console/sign-out-everywhere", "Sign out everywhere", chrome.csrf)}</div></div></footer></body></html>`;
}

/**
 * A signed-in console page: header with the sections this account may open, who is signed in, and sign-out. Built as
 * strings with hono/html's escaping (the same markup as the JSX it replaced: test/unit/console-markup), its header
 * made once per site, sections and current section (headerOf); the content goes in as hono/html takes it.
 */
export function ConsoleLayout(props: {
  chrome: ConsoleChrome;
  title: string;
  /** The section this page belongs to (none: an error page). */
  current?: ConsoleSection;
  children?: Child;
}) {
  return html`${raw(layoutStart(props.chrome, props.title, props.current))}${props.children}${raw(layoutEnd(props.chrome))}`;
}

/**
 * The whole document around a page's content, as two strings (the doctype included): what ConsoleLayout renders
 * before and after its children, for a page whose content is kept as bytes (people-routes) and goes between the two
 * as it is, without rendering the layout around a marker and cutting it apart on every view.
 */
export function consoleLayoutEdges(
  chrome: ConsoleChrome,
  title: string,
  current: ConsoleSection | undefined,
): { before: string; after: string } {
  return { before: DOCTYPE + layoutStart(chrome, title, current), after: layoutEnd(chrome) };
}

/** The layout's unchanging markup as UTF-8, around its values (writeConsoleLayoutStart, writeConsoleLayoutEnd). */
const HEAD_BYTES = encoded(
  `${DOCTYPE}<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="robots" content="noindex, nofollow"/><title>`,
);
const FOOTER_BYTES = encoded(
  '</main><footer class="site-footer"><div class="wrap console-account"><p>Signed in as <strong>',
);
const NAME_TO_EMAIL_BYTES = encoded("</strong> (");
const SIGN_OUT_BYTES = encoded(
  ') · <a href="/console/password">Change password</a></p><div class="console-account__actions"><form method="post" action="/console/sign-out" aria-label="Sign out"><input type="hidden" name="_csrf" value="',
);
const SIGN_OUT_EVERYWHERE_BYTES = encoded(
  '"/><button type="submit" class="button button--secondary">Sign out</button></form><form method="post" action="/console/sign-out-everywhere" aria-label="Sign out everywhere"><input type="hidden" name="_csrf" value="',
);
const END_BYTES = encoded(
  '"/><button type="submit" class="button button--secondary">Sign out everywhere</button></form></div></div></footer></body></html>',
);

/**
 * consoleLayoutEdges' `before` written into a page (page-bytes.ts) a piece at a time: its unchanging markup encoded
 * once, the title, the header kept per site, sections and current section (headerOf). The same bytes
 * (test/unit/console-markup.test.ts), without the edge made as one string and flattened to be written.
 */
export function writeConsoleLayoutStart(
  page: PageWriter,
  chrome: ConsoleChrome,
  title: string,
  current: ConsoleSection | undefined,
): void {
  page.bytes(HEAD_BYTES);
  page.text(escaped(title));
  page.text(headerOf(chrome.site, chrome.sections, current));
}

/**
 * A console list page as UTF-8, written by parts (page-bytes.ts): the layout's head, the markup before the rows as
 * text, the rows as they go (`rowsInto`), then the markup after them and the layout's tail. What a list route sends.
 */
export function listPageBytes<Row>(
  chrome: ConsoleChrome,
  title: string,
  current: ConsoleSection,
  content: { before: string; after: string },
  rows: readonly Row[],
  rowsInto: (page: PageWriter, rows: readonly Row[]) => void,
): Uint8Array<ArrayBuffer> {
  return writePage((page) => {
    writeConsoleLayoutStart(page, chrome, title, current);
    page.text(content.before);
    rowsInto(page, rows);
    page.text(content.after);
    writeConsoleLayoutEnd(page, chrome);
  });
}

/** consoleLayoutEdges' `after` written into a page a piece at a time (see writeConsoleLayoutStart). */
export function writeConsoleLayoutEnd(page: PageWriter, chrome: ConsoleChrome): void {
  const csrf = escaped(chrome.csrf);
  page.bytes(FOOTER_BYTES);
  page.text(escaped(chrome.user.name));
  page.bytes(NAME_TO_EMAIL_BYTES);
  page.text(escaped(chrome.user.email));
  page.bytes(SIGN_OUT_BYTES);
  page.text(csrf);
  page.bytes(SIGN_OUT_EVERYWHERE_BYTES);
  page.text(csrf);
  page.bytes(END_BYTES);
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
