import type { Child } from "hono/jsx";
import type { Site } from "../site.js";
import { PostForm } from "./form.js";

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

/** A signed-in console page: header with the sections this account may open, who is signed in, and sign-out. */
export function ConsoleLayout(props: {
  chrome: ConsoleChrome;
  title: string;
  /** The section this page belongs to (none: an error page). */
  current?: ConsoleSection;
  children?: Child;
}) {
  const { chrome } = props;
  return (
    <html lang="en">
      <ConsoleHead title={props.title} />
      <body class="console">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap site-header__inner">
            <Brand site={chrome.site} />
            <nav aria-label="Console">
              <ul class="site-nav">
                {SECTION_LINKS.filter((link) => chrome.sections.includes(link.section)).map((link) => (
                  <li>
                    <a href={link.href} aria-current={link.section === props.current ? "page" : undefined}>
                      {link.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap console-account">
            <p>
              Signed in as <strong>{chrome.user.name}</strong> ({chrome.user.email}) ·{" "}
              <a href="/console/password">Change password</a>
            </p>
            <div class="console-account__actions">
              <PostForm action="/console/sign-out" csrf={chrome.csrf} label="Sign out">
                <button type="submit" class="button button--secondary">
                  Sign out
                </button>
              </PostForm>
              <PostForm action="/console/sign-out-everywhere" csrf={chrome.csrf} label="Sign out everywhere">
                <button type="submit" class="button button--secondary">
                  Sign out everywhere
                </button>
              </PostForm>
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
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
