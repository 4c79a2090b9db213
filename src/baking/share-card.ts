import { drawableText } from "../domain/display-text.js";
import { escapeXml, fillSvgTemplate } from "./fill-svg-template.js";
import { svgToPng } from "./rasterize.js";
import { type Stamp, stampSvg } from "./stamp.js";
import { createTextMeasure, type FittedText, fitText, hasRightToLeftScript, type TextMeasure } from "./text-layout.js";

export type ShareCardData = {
  recipientName: string;
  achievementName: string;
  issuerName: string;
  /** Already formatted for people, e.g. "2 March 2026". */
  issuedOn: string;
  /** The certification's badge, a square PNG. */
  badgePng: Buffer;
  /** A CSS colour for the stripe, panel and check mark. */
  accent?: string;
  /** A band across the card for a credential no longer in force (REVOKED, EXPIRED…). */
  stamp?: Stamp;
};

/** Open Graph's recommended 1.91:1 image. */
export const SHARE_CARD_SIZE = { width: 1200, height: 627 } as const;

const DEFAULT_ACCENT = "#2b3f8f";
const TEXT_X = 530;
const TEXT_WIDTH = 610;
/** The band between the issuer rule (y 120) and the footer rule (y 523) that the body is centred in. */
const BODY = { top: 150, bottom: 500 };
const ISSUER_TRACKING = 0.14;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)|[a-z]{3,20})$/i;

/** Created on first use (loading the fonts takes tens of milliseconds), then reused: it only reads metrics. */
let measure: TextMeasure | undefined;

/**
 * Fills templates/share-card.svg; every text is escaped and the badge is embedded as a data: URI. Characters no
 * display text may hold (controls, noncharacters, bidi overrides) are left out of what is drawn.
 */
export function renderShareCardSvg(template: string, given: ShareCardData): string {
  const data: ShareCardData = {
    ...given,
    recipientName: drawableText(given.recipientName),
    achievementName: drawableText(given.achievementName),
    issuerName: drawableText(given.issuerName),
  };
  if (!data.badgePng.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new TypeError("Share card badge must be a PNG");
  }
  measure ??= createTextMeasure();
  const m = measure;
  // Letter spacing (in em, so it scales with the size) is part of the measured width. Hebrew and Arabic get
  // none (Arabic is cursive) and, having no capitals, a larger size instead.
  const rtl = hasRightToLeftScript(data.issuerName);
  const tracking = rtl ? 0 : ISSUER_TRACKING;
  const spaced: TextMeasure = (s, f, size) => m(s, f, size) + tracking * size * Array.from(s).length;
  const issuer = fitText(data.issuerName.toUpperCase(), spaced, {
    font: "sansBold",
    maxWidth: TEXT_WIDTH,
    maxSize: rtl ? 26 : 22,
    minSize: 13,
    maxLines: 1,
  });
  const date = fitText(data.issuedOn, m, { font: "sansBold", maxWidth: 300, maxSize: 22, minSize: 22, maxLines: 1 });
  const verifiedWidth = m("Open Badge 3.0", "sansBold", 20);
  const filled = fillSvgTemplate(template, {
    caption: `${data.recipientName} has earned ${data.achievementName}, issued by ${data.issuerName}`,
    accent: COLOUR.test(data.accent?.trim() ?? "") ? (data.accent ?? "").trim() : DEFAULT_ACCENT,
    badgeHref: `data:image/png;base64,${data.badgePng.toString("base64")}`,
    issuerName: issuer.lines[0] ?? "",
    issuerSize: issuer.size,
    issuerTracking: (issuer.size * tracking).toFixed(2),
    issuedOn: date.lines[0] ?? "",
    checkX: -Math.ceil(verifiedWidth + 30),
    body: { markup: bodyMarkup(data, m) },
  });
  return data.stamp ? stampSvg(filled, data.stamp, SHARE_CARD_SIZE) : filled;
}

/** The recipient, "has earned the certification" and the achievement, vertically centred as one block. */
function bodyMarkup(data: ShareCardData, m: TextMeasure): string {
  const name = fitText(data.recipientName, m, {
    font: "sansBold",
    maxWidth: TEXT_WIDTH,
    maxSize: 62,
    minSize: 26,
    maxLines: 3,
    wrapBelow: 0.6,
  });
  const achievement = fitText(data.achievementName, m, {
    font: "sansBold",
    maxWidth: TEXT_WIDTH,
    maxSize: 42,
    minSize: 24,
    maxLines: 3,
  });
  const blocks: Array<{ fitted: FittedText; weight: number; fill: string; gapAfter: number }> = [
    { fitted: name, weight: 700, fill: "#101828", gapAfter: 22 },
    { fitted: { size: 26, lines: ["has earned the certification"] }, weight: 400, fill: "#5a6478", gapAfter: 18 },
    { fitted: achievement, weight: 700, fill: "#1c2f6b", gapAfter: 0 },
  ];
  const lineHeight = (size: number) => size * 1.18;
  const height = blocks.reduce((sum, b) => sum + b.fitted.lines.length * lineHeight(b.fitted.size) + b.gapAfter, 0);
  let top = BODY.top + (BODY.bottom - BODY.top - height) / 2;
  const texts: string[] = [];
  for (const { fitted, weight, fill, gapAfter } of blocks) {
    for (const line of fitted.lines) {
      // DejaVu's ascent is about 0.93 em; 0.9 puts the cap tops at the top of the line box.
      const baseline = top + fitted.size * 0.9;
      texts.push(
        `<text x="${TEXT_X}" y="${baseline.toFixed(1)}" font-size="${fitted.size}" font-weight="${weight}" fill="${fill}">${escapeXml(line)}</text>`,
      );
      top += lineHeight(fitted.size);
    }
    top += gapAfter;
  }
  return texts.join("\n    ");
}

/** The 1200×627 Open Graph PNG of one credential. */
export async function renderShareCardPng(template: string, data: ShareCardData): Promise<Buffer> {
  return svgToPng(renderShareCardSvg(template, data), SHARE_CARD_SIZE);
}
