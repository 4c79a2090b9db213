import { raw } from "hono/html";
import { jsx } from "hono/jsx";
import { describe, expect, it } from "vitest";
import { dayOf } from "../../src/http/pages/console/credentials-page.js";
import { FormAlert, SelectField, TextField } from "../../src/http/pages/console/form.js";
import {
  ConsoleLayout,
  type ConsoleSection,
  consoleLayoutEdges,
  writeConsoleLayoutEnd,
  writeConsoleLayoutStart,
} from "../../src/http/pages/console/layout.js";
import {
  consoleTableMarkup,
  escapeText,
  formAlertMarkup,
  selectFieldMarkup,
  textFieldMarkup,
} from "../../src/http/pages/console/markup.js";
import { writePage } from "../../src/http/pages/console/page-bytes.js";
import { ConsoleTable } from "../../src/http/pages/console/table.js";
import { renderPage } from "../../src/http/pages/render-page.js";

/** What a JSX element renders to. */
const rendered = (element: unknown) => String(element ?? "");

const HOSTILE = `<script>alert("x")</script> & 'quoted'`;

/**
 * The list pages' string-built markup (markup.ts) is the markup of the console's JSX form components exactly: the same
 * attributes in the same order, the same escaping of hostile text.
 */
describe("console markup built as strings", () => {
  it("escapes as JSX does", () => {
    expect(escapeText(HOSTILE)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;");
    expect(escapeText("plain")).toBe("plain");
  });

  it("renders a text field as TextField does, with and without hint, error, value and options", () => {
    const cases: Parameters<typeof TextField>[0][] = [
      { name: "email", label: "Recipient email", type: "email", value: "x@y.org", errors: {}, maxLength: 320 },
      { name: "email", label: "Recipient email", type: "email", errors: { email: HOSTILE }, maxLength: 320 },
      { name: "q", label: HOSTILE, hint: HOSTILE, value: HOSTILE, errors: {}, autocomplete: "off", maxLength: 200 },
      { name: "q", label: "Name", hint: "a hint", errors: { q: "too long" }, required: true },
      { name: "when", label: "When", type: "date", errors: { other: "elsewhere" }, required: false },
    ];
    for (const props of cases) {
      expect(textFieldMarkup(props)).toBe(rendered(TextField(props)));
    }
  });

  it("renders a select as SelectField does, the chosen option selected", () => {
    const options = [
      { value: "", label: "Every certification" },
      { value: "a", label: HOSTILE },
      { value: `b"<x>`, label: "B" },
    ];
    const cases: Parameters<typeof SelectField>[0][] = [
      { name: "achievementId", label: "Certification", options, errors: {} },
      { name: "achievementId", label: "Certification", options, value: "a", errors: {} },
      { name: "achievementId", label: "Certification", options, value: `b"<x>`, errors: { achievementId: HOSTILE } },
      { name: "state", label: HOSTILE, options, value: "none of them", hint: HOSTILE, errors: {} },
    ];
    for (const props of cases) {
      expect(selectFieldMarkup(props)).toBe(rendered(SelectField(props)));
    }
  });

  it("renders the alert and the table as FormAlert and ConsoleTable do", () => {
    expect(formAlertMarkup(HOSTILE)).toBe(rendered(FormAlert({ message: HOSTILE })));
    expect(formAlertMarkup(undefined)).toBe(rendered(FormAlert({})));
    const rows = "<tr><td>one</td></tr><tr><td>two</td></tr>";
    const props = { label: HOSTILE, caption: HOSTILE, columns: ["Recipient", HOSTILE] };
    expect(consoleTableMarkup({ ...props, rows })).toBe(
      rendered(
        ConsoleTable({ ...props, children: ["<tr><td>one</td></tr>", "<tr><td>two</td></tr>"].map((row) => raw(row)) }),
      ),
    );
  });
});

describe("the credentials list's days", () => {
  it("writes a day as toISOString does, from 1970 back and forth, leap days and day ends included", () => {
    const samples = [
      0,
      -1,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29),
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 1, 28),
      Date.UTC(2100, 2, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(1, 0, 1),
      Date.UTC(9999, 11, 31, 12),
      Date.UTC(-5, 5, 5),
      Date.UTC(12_000, 0, 1),
    ];
    for (let ms = Date.UTC(1960, 0, 1); ms < Date.UTC(2110, 0, 1); ms += 86_400_000 * 3 + 3_600_001) {
      samples.push(ms);
    }
    for (const ms of samples) {
      expect(dayOf(ms), String(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });
});

describe("the console layout", () => {
  const site = Object.freeze({
    issuerId: "https://badges.test/issuer",
    issuerName: `Test ${HOSTILE}`,
    logoSrc: `/public/logo.png?a=1&b="2"`,
    publicUrl: "https://badges.test",
  });
  const chrome = (sections: ConsoleSection[]) => ({
    site,
    user: { name: HOSTILE, email: "a&b@example.org" },
    sections,
    csrf: "token-1",
  });

  it("escapes the title, the site and the account, and shows each page its own sections and current one", () => {
    // the header is kept per site, sections and current section: each combination must still be its own
    const cases = [
      { sections: ["home", "credentials"], current: "credentials" },
      { sections: ["home", "credentials"], current: "home" },
      { sections: ["home", "credentials", "users"], current: "credentials" },
      { sections: ["home", "credentials"], current: "credentials" },
      { sections: ["home"], current: undefined },
    ] as const;
    for (const { sections, current } of cases) {
      const page = String(
        ConsoleLayout({ chrome: chrome([...sections]), title: HOSTILE, current, children: raw("<p>content</p>") }),
      );
      const escaped = escapeText(HOSTILE);
      expect(page).toContain(`<title>${escaped} · Laurel console</title>`);
      expect(page).toContain(`<span class="brand__name">Test ${escaped} <span class="console-tag">`);
      expect(page).toContain(`src="/public/logo.png?a=1&amp;b=&quot;2&quot;"`);
      expect(page).toContain(`Signed in as <strong>${escaped}</strong> (a&amp;b@example.org)`);
      expect(page).toContain(`<main id="main" class="wrap" tabindex="-1"><p>content</p></main>`);
      expect(page).not.toContain("<script>");
      const links = [...page.matchAll(/<li><a href="([^"]+)"( aria-current="page")?>/g)].map((m) => [m[1], !!m[2]]);
      const hrefs: Record<string, string> = {
        home: "/console",
        credentials: "/console/credentials",
        users: "/console/users",
      };
      expect(links).toEqual(sections.map((s) => [hrefs[s], s === current]));
      expect(page.match(/name="_csrf" value="token-1"/g)).toHaveLength(2);
    }
  });

  it("gives a kept page's edges as the layout renders them around its content, the doctype included", () => {
    for (const current of ["people", undefined] as const) {
      const content = `<p>${escapeText(HOSTILE)} Zoë 🚀</p>`;
      const whole = renderPage(
        ConsoleLayout({ chrome: chrome(["home", "people"]), title: HOSTILE, current, children: raw(content) }),
      );
      const { before, after } = consoleLayoutEdges(chrome(["home", "people"]), HOSTILE, current);
      expect(before + content + after).toBe(whole);
    }
  });

  it("writes the edges into a page's bytes as they are made as strings", () => {
    const wide = {
      ...chrome(["home", "people", "users"]),
      csrf: `t"<&>'Zoë`,
      user: { name: "Zoë “Ü” 漢 😀 \ud800", email: HOSTILE },
    };
    for (const [chromeOf, current] of [
      [chrome(["home", "people"]), "people"],
      [chrome(["home"]), undefined],
      [wide, "users"],
    ] as const) {
      const { before, after } = consoleLayoutEdges(chromeOf, HOSTILE, current);
      const bytes = writePage((page) => {
        writeConsoleLayoutStart(page, chromeOf, HOSTILE, current);
        page.text("<p>content</p>");
        writeConsoleLayoutEnd(page, chromeOf);
      });
      expect(Buffer.from(bytes)).toEqual(Buffer.from(`${before}<p>content</p>${after}`, "utf8"));
    }
  });

  it("renders JSX content as hono/html does", () => {
    const page = String(
      ConsoleLayout({ chrome: chrome(["home"]), title: "T", current: "home", children: jsx("p", {}, HOSTILE) }),
    );
    expect(page).toContain(`<main id="main" class="wrap" tabindex="-1"><p>${escapeText(HOSTILE)}</p></main>`);
  });
});
