import { raw } from "hono/html";
import { describe, expect, it } from "vitest";
import { dayOf } from "../../src/http/pages/console/credentials-page.js";
import { FormAlert, SelectField, TextField } from "../../src/http/pages/console/form.js";
import {
  consoleTableMarkup,
  escapeText,
  formAlertMarkup,
  selectFieldMarkup,
  textFieldMarkup,
} from "../../src/http/pages/console/markup.js";
import { ConsoleTable } from "../../src/http/pages/console/table.js";

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
