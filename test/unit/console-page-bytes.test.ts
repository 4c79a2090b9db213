import { describe, expect, it } from "vitest";
import {
  type CredentialRow,
  CredentialsPage,
  type CredentialsView,
  credentialsPageBytes,
} from "../../src/http/pages/console/credentials-page.js";
import type { ConsoleChrome } from "../../src/http/pages/console/layout.js";
import { pageBytes } from "../../src/http/pages/console/page-bytes.js";
import { PeoplePage, type PeopleView, peoplePageBytes } from "../../src/http/pages/console/people-page.js";
import { renderPage } from "../../src/http/pages/render-page.js";
import type { Site } from "../../src/http/pages/site.js";

const HOSTILE = `<script>alert("x")</script> & 'quoted'`;
/** Text whose UTF-8 needs 1, 2, 3 and 4 bytes per character, and lone surrogates (written as U+FFFD). */
const WIDE = "Zoë “Ünïcode” 漢字 😀 \ud800 lone \udc00 end\ud83d";

const site = { issuerName: "Acme & <Co>", logoSrc: "https://cdn.example/logo.png?a=1&b=2" } as Site;
const chrome: ConsoleChrome = {
  site,
  user: { name: `Ada ${WIDE}`, email: "ada@example.org" },
  sections: ["home", "password", "catalog", "credentials", "people"],
  csrf: "x".repeat(43),
};

function credentialRow(i: number, name: string): CredentialRow {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    achievementName: i % 3 === 0 ? HOSTILE : "GitLab Certified Associate",
    recipientEmail: `reader${i}@example.org`,
    recipientName: name,
    createdAt: Date.UTC(2026, 0, 1) - i * 86_400_000,
    validUntil: i % 2 === 0 ? null : Date.UTC(2028, 0, 1),
    state: (["active", "revoked", "suspended", "expired"] as const)[i % 4] as CredentialRow["state"],
  };
}

/** The bytes the page's string version is sent as (sendHtml encodes the string with Buffer.from). */
const asSent = (page: unknown) => Buffer.from(renderPage(page as never), "utf8");

describe("console list pages written by parts", () => {
  it("writes the UTF-8 of the parts one after the other, lone surrogates as U+FFFD", () => {
    // larger than the first scratch buffer (64 KB at 3 bytes per UTF-16 unit): written into a larger one
    const parts = ["<p>", WIDE, "</p>", "", HOSTILE, "x".repeat(25_000), "<b>漢</b>".repeat(3_000)];
    expect(Buffer.from(pageBytes(parts)).equals(Buffer.from(parts.join(""), "utf8"))).toBe(true);
    expect(Buffer.from(pageBytes(parts.slice(0, 5)))).toEqual(Buffer.from(parts.slice(0, 5).join(""), "utf8"));
    expect(Buffer.from(pageBytes([]))).toEqual(Buffer.alloc(0));
    // a small page after a large one: the scratch buffer reused, the page copied out at its own size
    expect(Buffer.from(pageBytes(["<a>", "é", "</a>"]))).toEqual(Buffer.from("<a>é</a>", "utf8"));
  });

  it("sends the credentials list's bytes exactly as its page renders them, whatever the rows and filters", () => {
    const names = ["Reader Ümlaut", HOSTILE, WIDE, "", "plain"];
    const certifications = [
      { id: "a", name: HOSTILE },
      { id: "gitlab-certified-associate", name: "GitLab Certified Associate" },
    ];
    const cases: CredentialsView[] = [
      {
        chrome,
        filters: { achievementId: "gitlab-certified-associate", state: "active" },
        certifications,
        rows: Array.from({ length: 50 }, (_, i) => credentialRow(i, names[i % names.length] as string)),
        olderHref: "/console/credentials?cursor=abc&state=active",
        paged: true,
        canIssue: true,
        errors: {},
      },
      {
        chrome,
        filters: { achievementId: HOSTILE, state: WIDE, email: HOSTILE },
        certifications,
        rows: [],
        olderHref: null,
        paged: false,
        canIssue: false,
        errors: { achievementId: HOSTILE, email: WIDE },
      },
      {
        chrome,
        filters: {},
        certifications: [],
        rows: [credentialRow(1, WIDE)],
        olderHref: null,
        paged: false,
        canIssue: false,
        errors: {},
      },
    ];
    for (const view of cases) {
      expect(Buffer.from(credentialsPageBytes(view))).toEqual(asSent(CredentialsPage(view)));
    }
  });

  it("sends the people search's bytes exactly as its page renders them", () => {
    const cases: PeopleView[] = [
      {
        chrome,
        query: WIDE,
        rows: Array.from({ length: 50 }, (_, i) => ({
          ref: i % 7 === 0 ? `ref "${i}" <&>` : `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
          email: `reader${i}@example.org`,
          name: i % 2 === 0 ? `Reader ${i} Ümlaut` : HOSTILE,
        })),
        nextHref: "/console/people?q=x&cursor=y",
        paged: true,
        errors: {},
      },
      { chrome, query: HOSTILE, rows: [], nextHref: null, paged: false, errors: { q: HOSTILE } },
      { chrome, query: "", rows: [], nextHref: null, paged: false, errors: {} },
    ];
    for (const view of cases) {
      expect(Buffer.from(peoplePageBytes(view))).toEqual(asSent(PeoplePage(view)));
    }
  });
});
