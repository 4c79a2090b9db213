import { wrapWords } from "../domain/wrap-words.js";
import { escapeXml, fillSvgTemplate } from "./fill-svg-template.js";

/** The band the name is fitted into; its width leaves room inside the round artwork's inner ring. */
const NAME_BAND = { center: 350, height: 168, width: 370 };

/** Changes whenever this layout does, so a rendered badge's version (and ETag) changes with it. */
export const BADGE_LAYOUT_VERSION = "2";

/**
 * Renders a certification's badge artwork from its level's SVG template (templates/badges/<level>.svg): its label
 * (the variant of a family: the role, the course), else its name, is wrapped into the band between the level word
 * and the rule, every text XML-escaped.
 */
export function renderBadgeSvg(
  template: string,
  badge: { name: string; issuerName: string; caption: string; label?: string },
): string {
  const title = badge.label ?? badge.name.replace(/^GitLab Certified\s+/i, "");
  // Four lines of ~16 characters fit most names; longer ones get a fifth, narrower line rather than "…".
  const short = wrapWords(title, 16, 4);
  const lines = short.at(-1)?.endsWith("…") ? wrapWords(title, 20, 5) : short;
  const longest = Math.max(...lines.map((l) => l.length));
  const fontSize = Math.floor(
    Math.min(46, NAME_BAND.height / (lines.length * 1.15), NAME_BAND.width / (longest * 0.6)),
  );
  const lineHeight = fontSize * 1.15;
  const firstBaseline = NAME_BAND.center - ((lines.length - 1) * lineHeight) / 2 + fontSize * 0.35;
  const tspans = lines
    .map((line, i) => `<tspan x="300" y="${Math.round(firstBaseline + i * lineHeight)}">${escapeXml(line)}</tspan>`)
    .join("");
  return fillSvgTemplate(template, {
    caption: badge.caption,
    fontSize,
    nameLines: { markup: tspans },
    issuerName: badge.issuerName,
  });
}
