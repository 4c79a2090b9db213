import { describe, expect, it } from "vitest";
import { renderBadgeSvg } from "../../src/baking/badge-svg.js";
import { escapeXml, fillSvgTemplate } from "../../src/baking/fill-svg-template.js";
import { BADGE_LEVELS } from "../../src/domain/catalog/definition-schema.js";
import { wrapWords } from "../../src/domain/wrap-words.js";
import { loadArtwork } from "../../src/load-templates.js";

const artwork = loadArtwork("templates");

describe("badge artwork", () => {
  it("escapes every text slot, so names cannot inject markup", () => {
    const svg = renderBadgeSvg(artwork.badges.specialist.svg, {
      name: `<script>alert("x")</script> & Co`,
      issuerName: `"Evil" <Org>`,
      caption: "Badge: <b>",
    });
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain("&quot;Evil&quot; &lt;Org&gt;");
  });

  it("has a distinct template per level, each filling every slot", () => {
    const rendered = BADGE_LEVELS.map((level) =>
      renderBadgeSvg(artwork.badges[level].svg, { name: "N", issuerName: "I", caption: "C" }),
    );
    expect(new Set(rendered).size).toBe(BADGE_LEVELS.length);
    expect(new Set(BADGE_LEVELS.map((l) => artwork.badges[l].version)).size).toBe(BADGE_LEVELS.length);
    for (const svg of rendered) {
      expect(svg).not.toMatch(/\{\{/);
    }
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
