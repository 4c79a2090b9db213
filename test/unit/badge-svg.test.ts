import { describe, expect, it } from "vitest";
import { renderBadgeSvg } from "../../src/baking/badge-svg.js";
import { escapeXml, fillSvgTemplate } from "../../src/baking/fill-svg-template.js";
import { BADGE_LEVELS } from "../../src/domain/catalog/definition-schema.js";
import type { CatalogEntry } from "../../src/domain/catalog/parse-catalog.js";
import { wrapWords } from "../../src/domain/wrap-words.js";
import { loadArtwork, loadCatalog } from "../../src/load-templates.js";

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

describe("badge artwork of the catalog", () => {
  const catalog = loadCatalog("templates");

  it("gives each program its own art: no two programs share a badge template", () => {
    const programsOf = new Map<string, Set<string>>();
    for (const entry of catalog.entries) {
      programsOf.set(entry.level, (programsOf.get(entry.level) ?? new Set()).add(entry.program));
    }
    const shared = [...programsOf].filter(([, programs]) => programs.size > 1);
    expect(shared).toEqual([]);
    // the field product certification and the field accreditation were one red octagon between them
    const field = catalog.entries.filter((e) => /Field/.test(e.program));
    expect(new Set(field.map((e) => e.level)).size).toBe(2);
  });

  it("shows each variant's label (the role or course) on its badge", () => {
    const families = new Map<string, CatalogEntry[]>();
    for (const entry of catalog.entries) {
      families.set(entry.sourceFile, [...(families.get(entry.sourceFile) ?? []), entry]);
    }
    const variantFamilies = [...families.values()].filter((members) => members.length > 1);
    expect(variantFamilies.length).toBeGreaterThanOrEqual(3);
    for (const members of variantFamilies) {
      const labels = members.map((e) => e.image.label);
      expect(labels.every(Boolean), members[0]?.sourceFile).toBe(true);
      expect(new Set(labels).size).toBe(members.length);
      for (const entry of members) {
        const svg = renderBadgeSvg(artwork.badges[entry.level].svg, {
          name: entry.name,
          issuerName: "Test Academy",
          caption: "C",
          label: entry.image.label,
        });
        const shown = [...svg.matchAll(/<tspan [^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]).join(" ");
        expect(shown, entry.id).toBe(escapeXml(entry.image.label as string));
      }
    }
  });
});
