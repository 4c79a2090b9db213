import { escapeXml, fillSvgTemplate } from "./fill-svg-template.js";

export type BadgeLevel = "associate" | "specialist" | "professional" | "trainer" | "field" | "migration";

type LevelStyle = { label: string; light: string; dark: string; accent: string; shape: string };

const CIRCLE = "M300 40 A260 260 0 1 1 299.9 40 Z";
const HEXAGON = "M300 34 L530 167 L530 433 L300 566 L70 433 L70 167 Z";
const SHIELD = "M300 30 L540 110 L540 300 C540 440 430 530 300 574 C170 530 60 440 60 300 L60 110 Z";
const ROUNDED_SQUARE =
  "M130 50 H470 A80 80 0 0 1 550 130 V470 A80 80 0 0 1 470 550 H130 A80 80 0 0 1 50 470 V130 A80 80 0 0 1 130 50 Z";
const OCTAGON = "M198 40 H402 L560 198 V402 L402 560 H198 L40 402 V198 Z";
const FLAT_HEXAGON = "M165 45 H435 L575 300 L435 555 H165 L25 300 Z";

/** Each level has its own shape and colours so the journey is visible at a glance. */
const LEVELS: Record<BadgeLevel, LevelStyle> = {
  associate: { label: "ASSOCIATE", light: "#6f8fd8", dark: "#2b3f8f", accent: "#c7d4f5", shape: CIRCLE },
  specialist: { label: "SPECIALIST", light: "#8a63d2", dark: "#3b1f7a", accent: "#d8c8f5", shape: HEXAGON },
  professional: { label: "PROFESSIONAL", light: "#e2a93b", dark: "#7a4a06", accent: "#f7e2b0", shape: SHIELD },
  trainer: { label: "CERTIFIED TRAINER", light: "#2fa38a", dark: "#0f5446", accent: "#bfeadf", shape: ROUNDED_SQUARE },
  field: { label: "FIELD CERTIFIED", light: "#e0664f", dark: "#7c2213", accent: "#f8cdc4", shape: OCTAGON },
  migration: { label: "MIGRATION", light: "#3a9fd1", dark: "#0c4a6e", accent: "#c2e6f7", shape: FLAT_HEXAGON },
};

const NAME_BAND = { center: 350, height: 168, width: 400 };

/** Greedy word wrap into at most `maxLines` lines of about `width` characters. */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && (line + " " + word).length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) {
    lines.push(line);
  }
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]}…`;
    return kept;
  }
  return lines;
}

/** Renders a certification's badge artwork from the SVG template (all text XML-escaped). */
export function renderBadgeSvg(
  template: string,
  badge: { name: string; level: BadgeLevel; issuerName: string; caption: string },
): string {
  const style = LEVELS[badge.level];
  const title = badge.name.replace(/^GitLab Certified\s+/i, "");
  const lines = wrapWords(title, 16, 4);
  // The name fills the band between the level label (baseline 232) and the rule (y 452).
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
    light: style.light,
    dark: style.dark,
    accent: style.accent,
    shape: style.shape,
    levelLabel: style.label,
    fontSize,
    nameLines: { markup: tspans },
    issuerName: badge.issuerName,
  });
}
