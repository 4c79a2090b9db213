import { describe, expect, it } from "vitest";
import { EMAIL_KINDS, EMAIL_SAMPLES, renderEmail } from "../../src/domain/email/messages.js";
import { checkTemplate, parseTemplate, renderTemplate, TemplateError } from "../../src/domain/email/template.js";
import { loadEmailTemplates } from "../../src/load-templates.js";

describe("the e-mail template language", () => {
  it("escapes every value in HTML, not in text; blocks and lists", () => {
    const t = parseTemplate(
      "t.html",
      "{{#if on}}<b>{{ name }}</b>{{else}}off{{/if}}\n{{#each xs as x}}\n- {{ x.v }}\n{{/each}}\n",
    );
    const data = { on: true, name: `<script>"&'`, xs: [{ v: "a<" }, { v: "b" }] };
    expect(renderTemplate(t, data, "html")).toBe("<b>&lt;script&gt;&quot;&amp;&#39;</b>\n- a&lt;\n- b\n");
    expect(renderTemplate(t, data, "text")).toBe(`<b><script>"&'</b>\n- a<\n- b\n`);
    expect(renderTemplate(t, { ...data, on: false, xs: [] }, "text")).toBe("off\n");
  });

  it("refuses unknown names, unclosed blocks and lists shown as values, naming the file and line", () => {
    const sample = { name: "x", xs: [{ v: "a" }] };
    expect(() => checkTemplate(parseTemplate("a.txt", "ok\n{{ nmae }}"), sample)).toThrow(
      /a\.txt line 2: no value "nmae"/,
    );
    expect(() => parseTemplate("b.txt", "{{#if name}}\nx")).toThrow(TemplateError);
    expect(() => checkTemplate(parseTemplate("c.txt", "{{ xs }}"), sample)).toThrow(/not a value to show/);
    expect(() => checkTemplate(parseTemplate("d.txt", "{{ constructor }}"), sample)).toThrow(/no value/);
  });

  it("the shipped templates load, and render every kind with a one-line subject", () => {
    const templates = loadEmailTemplates("templates");
    for (const kind of EMAIL_KINDS) {
      const out = renderEmail(templates[kind], EMAIL_SAMPLES[kind] as never);
      expect(out.subject).not.toMatch(/[\r\n]/);
      // every message about a credential links the preference page; the sign-in message carries its link instead
      const sample = EMAIL_SAMPLES[kind];
      const link = "preferencesUrl" in sample ? sample.preferencesUrl : sample.signInUrl;
      expect(out.text).toContain(link);
      expect(out.html).toContain(`href="${link}"`);
    }
  });
});
