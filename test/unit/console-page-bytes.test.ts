import { describe, expect, it } from "vitest";
import {
  type CredentialRow,
  CredentialsPage,
  type CredentialsView,
  credentialsPageBytes,
} from "../../src/http/pages/console/credentials-page.js";
import type { ConsoleChrome } from "../../src/http/pages/console/layout.js";
import { escapeText } from "../../src/http/pages/console/markup.js";
import { encoded, pageBytes, writePage } from "../../src/http/pages/console/page-bytes.js";
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

/** A credentials list row as its template wrote it before the markup between its values was joined once per page. */
function credentialRowAsBefore(row: CredentialRow): string {
  const words = { active: "Active", revoked: "Revoked", suspended: "Suspended", expired: "Expired" }[row.state];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `<tr><td><a href="/console/credentials/${escapeText(row.id)}">${escapeText(row.recipientName)}</a><br/><span class="muted">${escapeText(row.recipientEmail)}</span></td><td>${escapeText(row.achievementName)}</td><td>${day(row.createdAt)}</td><td>${row.validUntil === null ? "Never" : day(row.validUntil)}</td><td>${words}</td></tr>`;
}

/** A people search row as its template wrote it before plain references were written once. */
function personRowAsBefore(row: PeopleView["rows"][number]): string {
  return `<tr><td><a href="/console/people/${escapeText(encodeURIComponent(row.ref))}" data-person="${escapeText(row.ref)}">${escapeText(row.name)}</a><br/><span class="muted">${escapeText(row.email)}</span></td></tr>`;
}

/** Text as its UTF-8 reads back (a lone surrogate written as U+FFFD), as the page's bytes are read here. */
const asDecoded = (text: string) => Buffer.from(text, "utf8").toString("utf8");

describe("console list rows", () => {
  it("writes each credential row as its template does: every state, with and without expiry, names changing along", () => {
    // runs of one certification, then another, back to the first; hostile and wide names and addresses
    const rows = Array.from({ length: 24 }, (_, i) => ({
      ...credentialRow(i, [HOSTILE, WIDE, "Reader Ümlaut", ""][i % 4] as string),
      achievementName: ["GitLab Certified Associate", HOSTILE, "", WIDE][Math.floor(i / 3) % 4] as string,
      recipientEmail: i % 5 === 0 ? `o'neil+${i}@example.org` : `reader${i}@example.org`,
    }));
    const view: CredentialsView = {
      chrome,
      filters: {},
      certifications: [],
      rows,
      olderHref: null,
      paged: false,
      canIssue: false,
      errors: {},
    };
    const page = Buffer.from(credentialsPageBytes(view)).toString("utf8");
    expect(page).toContain(asDecoded(`<tbody>${rows.map(credentialRowAsBefore).join("")}</tbody>`));
  });

  it("writes each people row as its template does, plain and hostile references alike", () => {
    const refs = ["00000000-0000-4000-8000-000000000001", `ref "1" <&>`, "a b/c?d#e", "x'y", "Zoë", "A.b_c~d-1", ""];
    const rows = refs.map((ref, i) => ({ ref, email: `reader${i}@example.org`, name: i % 2 === 0 ? HOSTILE : WIDE }));
    const page = Buffer.from(
      peoplePageBytes({ chrome, query: "r", rows, nextHref: null, paged: false, errors: {} }),
    ).toString("utf8");
    expect(page).toContain(asDecoded(`<tbody>${rows.map(personRowAsBefore).join("")}</tbody>`));
  });
});

describe("console pages written piece by piece", () => {
  it("grows its buffer in the middle of the rows and keeps what was written", () => {
    // about 1,500 rows of wide text: past the first scratch buffer (64 KB) and its first growth, mid-row
    const view: CredentialsView = {
      chrome,
      filters: {},
      certifications: [],
      rows: Array.from({ length: 1500 }, (_, i) => credentialRow(i, `${WIDE} ${i}`)),
      olderHref: null,
      paged: false,
      canIssue: false,
      errors: {},
    };
    expect(Buffer.from(credentialsPageBytes(view))).toEqual(asSent(CredentialsPage(view)));
    // and the (now larger) scratch serves a small page after it
    expect(Buffer.from(pageBytes(["<a>", "é", "</a>"]))).toEqual(Buffer.from("<a>é</a>", "utf8"));
  });

  it("writes a page inside another's writing into a buffer of its own", () => {
    let inner: Uint8Array = new Uint8Array(0);
    const outer = writePage((page) => {
      page.text("<p>outer ");
      inner = pageBytes(["<b>inner ", WIDE, "</b>"]);
      page.bytes(encoded("é</p>"));
    });
    expect(Buffer.from(outer)).toEqual(Buffer.from("<p>outer é</p>", "utf8"));
    expect(Buffer.from(inner)).toEqual(Buffer.from(`<b>inner ${WIDE}</b>`, "utf8"));
  });
});
