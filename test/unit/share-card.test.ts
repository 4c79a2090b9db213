import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { SaxesParser } from "saxes";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { svgToPng } from "../../src/baking/rasterize.js";
import { renderShareCardPng, renderShareCardSvg, type ShareCardData } from "../../src/baking/share-card.js";
import { createTextMeasure, fitText } from "../../src/baking/text-layout.js";

const template = readFileSync("templates/share-card.svg", "utf8");
const measure = createTextMeasure();
let badgePng: Buffer;

/** A stand-in badge (a seal with a star), so the test does not depend on the badge artwork. */
const BADGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600">
  <circle cx="300" cy="300" r="280" fill="#2b3f8f"/><circle cx="300" cy="300" r="240" fill="none" stroke="#c7d4f5" stroke-width="8"/>
  <path d="M300 150 l42 85 94 14 -68 66 16 93 -84 -44 -84 44 16 -93 -68 -66 94 -14 z" fill="#c7d4f5"/></svg>`;

beforeAll(async () => {
  badgePng = await svgToPng(BADGE_SVG, { width: 600, height: 600 });
  mkdirSync("test/output", { recursive: true });
});

function card(overrides: Partial<ShareCardData> = {}): ShareCardData {
  return {
    recipientName: "Ada Lovelace",
    achievementName: "GitLab Certified CI/CD Specialist",
    issuerName: "Laurel Demo Issuer",
    issuedOn: "2 March 2026",
    badgePng,
    ...overrides,
  };
}

/** Parses the SVG as strict XML: its element names and the text of each <text>, entities decoded. */
function parseSvg(svg: string) {
  const elements: string[] = [];
  const texts: Array<{ attributes: Record<string, string>; text: string }> = [];
  let current: { attributes: Record<string, string>; text: string } | undefined;
  const parser = new SaxesParser();
  parser.on("opentag", (tag) => {
    elements.push(tag.name);
    if (tag.name === "text") {
      current = { attributes: tag.attributes as Record<string, string>, text: "" };
      texts.push(current);
    }
  });
  parser.on("text", (text) => {
    if (current) {
      current.text += text;
    }
  });
  parser.on("closetag", (tag) => {
    if (tag.name === "text") {
      current = undefined;
    }
  });
  parser.write(svg).close();
  return { elements, texts };
}

/** The body lines (recipient, phrase, achievement) are the <text>s at x=530 with an explicit font size. */
function bodyLines(svg: string) {
  return parseSvg(svg).texts.filter((t) => t.attributes.x === "530" && t.attributes["font-weight"]);
}

describe("share card SVG", () => {
  it("escapes every text: markup, ampersands and quotes appear only in escaped form", () => {
    const svg = renderShareCardSvg(
      template,
      card({
        recipientName: `<script>alert("x")</script> & "Bo" O'Neil`,
        achievementName: "Tom & Jerry <b>",
        issuerName: `"Evil" <Org>`,
        issuedOn: "<i>today</i>",
      }),
    );
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).not.toContain("<i>");
    expect(svg).not.toContain(`"Bo"`);
    expect(svg).not.toContain("Tom & Jerry");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Bo&quot; O&apos;Neil");
    expect(svg).toContain("Tom &amp; Jerry &lt;b&gt;");
    expect(svg).toContain("&quot;EVIL&quot; &lt;ORG&gt;");
    expect(svg).toContain("&lt;i&gt;today&lt;/i&gt;");
  });

  it("cannot be broken out of: ]]> and </text><script> stay text", () => {
    const hostile = `</text><script>alert(1)</script><text>]]><![CDATA[x]]>`;
    const svg = renderShareCardSvg(
      template,
      card({ recipientName: hostile, achievementName: hostile, issuerName: hostile, issuedOn: hostile }),
    );
    const { elements, texts } = parseSvg(svg);
    expect(elements).not.toContain("script");
    // The same kinds of elements as an ordinary card: only more lines of text, never new markup.
    expect(new Set(elements)).toEqual(new Set(parseSvg(renderShareCardSvg(template, card())).elements));
    expect(texts.map((t) => t.text).join(" ")).toContain("</text><script>");
    expect(svg).not.toContain("]]>");
  });

  it("embeds the badge as a PNG data: URI and refuses anything that is not a PNG", () => {
    const svg = renderShareCardSvg(template, card());
    expect(svg).toContain(`href="data:image/png;base64,${badgePng.toString("base64")}"`);
    expect(() => renderShareCardSvg(template, card({ badgePng: Buffer.from("<svg/>") }))).toThrow(/PNG/);
  });

  it("uses a valid accent colour and ignores anything else", () => {
    expect(renderShareCardSvg(template, card({ accent: "#8a63d2" }))).toContain('fill="#8a63d2"');
    const hostile = renderShareCardSvg(template, card({ accent: `red" onload="alert(1)` }));
    expect(hostile).not.toContain("onload");
    expect(hostile).toContain('fill="#2b3f8f"');
    expect(renderShareCardSvg(template, card({ accent: "url(https://evil.example/x)" }))).not.toContain("evil");
  });

  it("fits any name: every body line is within the text column, at most 3 lines for the recipient", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 160 }), fc.string({ maxLength: 200 }), (name, title) => {
        const lines = bodyLines(renderShareCardSvg(template, card({ recipientName: name, achievementName: title })));
        for (const line of lines) {
          const size = Number(line.attributes["font-size"]);
          const font = line.attributes["font-weight"] === "700" ? "sansBold" : "sans";
          expect(measure(line.text, font, size)).toBeLessThanOrEqual(610.5);
        }
        expect(lines.length).toBeLessThanOrEqual(3 + 1 + 3);
      }),
      { numRuns: 60 },
    );
  });
});

describe("fitText", () => {
  const options = { font: "sansBold", maxWidth: 600, maxSize: 60, minSize: 24, maxLines: 2 } as const;

  it("keeps a short name on one line at full size", () => {
    expect(fitText("Ada Lovelace", measure, options)).toEqual({ size: 60, lines: ["Ada Lovelace"] });
  });

  it("shrinks, then wraps into balanced lines, breaking after hyphens", () => {
    const fitted = fitText("Maximilian Alexander von Hohenzollern-Sigmaringen", measure, options);
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.lines.join(" ").replace("- ", "-")).toBe("Maximilian Alexander von Hohenzollern-Sigmaringen");
  });

  it("breaks a word that cannot fit and ends with an ellipsis, never wider than the box", () => {
    const fitted = fitText("W".repeat(300), measure, options);
    expect(fitted.size).toBe(24);
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.lines[1]?.endsWith("…")).toBe(true);
    for (const line of fitted.lines) {
      expect(measure(line, "sansBold", fitted.size)).toBeLessThanOrEqual(600);
    }
  });
});

describe("share card PNG", () => {
  const samples: Record<string, Partial<ShareCardData>> = {
    "share-card": {},
    "share-card-hebrew": { recipientName: "דוד לוי", issuerName: "מכון ויצמן למדע", accent: "#0f5446" },
    "share-card-arabic": { recipientName: "محمد علي", achievementName: "شهادة (متقدم) 2026", accent: "#8a63d2" },
    "share-card-long": {
      recipientName: "Maximilian Alexander Christopher von Hohenzollern-Sigmaringen-Württemberg III",
      achievementName: "Trainer: GitLab Security Essentials Training for Very Long Course Names That Keep Going",
      issuerName: "The International Association of Extremely Long Organisation Names and Partners",
    },
    "share-card-hostile": { recipientName: `<Ana> & "Bo" O'Neil`, achievementName: "</text><script>]]>" },
  };

  it.each(Object.entries(samples))("renders %s at exactly 1200×627 (written to test/output)", async (name, data) => {
    const png = await renderShareCardPng(template, card(data));
    expect(await sharp(png).metadata()).toMatchObject({ format: "png", width: 1200, height: 627 });
    writeFileSync(`test/output/${name}.png`, png);
    writeFileSync(`test/output/${name}.svg`, renderShareCardSvg(template, card(data)));
  });
});

describe("a share card marked as no longer in force", () => {
  it("draws the stamp's word on a diagonal band over the card, last, as well-formed escaped XML", async () => {
    const svg = renderShareCardSvg(template, card({ stamp: { label: "REVOKED", colour: "#b42318" } }));
    const { texts } = parseSvg(svg);
    expect(texts.at(-1)?.text).toBe("REVOKED");
    const band = /<g data-stamp="REVOKED" transform="rotate\((-[\d.]+) 600\.0 313\.5\)">/.exec(svg);
    expect(Number(band?.[1])).toBeCloseTo(-((Math.atan2(627, 1200) * 180) / Math.PI), 1);
    const png = await renderShareCardPng(template, card({ stamp: { label: "EXPIRED", colour: "#5b6470" } }));
    writeFileSync("test/output/share-card-expired.png", png);
    const hostile = renderShareCardSvg(template, card({ stamp: { label: "<x>&", colour: "red;}<" } }));
    expect(parseSvg(hostile).texts.at(-1)?.text).toBe("<x>&");
    expect(hostile).not.toContain("red;}<");
  });
});
