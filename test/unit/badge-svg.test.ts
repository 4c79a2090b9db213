import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderBadgeSvg, wrapWords } from "../../src/baking/badge-svg.js";
import { escapeXml, fillSvgTemplate } from "../../src/baking/fill-svg-template.js";

const template = readFileSync("templates/badges/badge.svg", "utf8");

describe("badge artwork", () => {
  it("escapes every text slot, so names cannot inject markup", () => {
    const svg = renderBadgeSvg(template, {
      name: `<script>alert("x")</script> & Co`,
      level: "specialist",
      issuerName: `"Evil" <Org>`,
      caption: "Badge: <b>",
    });
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain("&quot;Evil&quot; &lt;Org&gt;");
  });

  it("gives each level its own label", () => {
    const levels = ["associate", "specialist", "professional", "trainer", "field", "migration"] as const;
    const labels = levels.map((level) => renderBadgeSvg(template, { name: "N", level, issuerName: "I", caption: "C" }));
    expect(new Set(labels).size).toBe(levels.length);
  });

  it("fails loudly on a slot without a value", () => {
    expect(() => fillSvgTemplate("<svg>{{missing}}</svg>", {})).toThrow(/\{\{missing\}\}/);
  });

  it("wraps long names into at most four lines", () => {
    const lines = wrapWords("Trainer: GitLab Security Essentials Training for Very Long Course Names", 16, 4);
    expect(lines.length).toBe(4);
    expect(lines[3]?.endsWith("…")).toBe(true);
    expect(escapeXml("a'b")).toBe("a&apos;b");
  });
});
