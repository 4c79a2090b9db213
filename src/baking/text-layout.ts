import { createRequire } from "node:module";
import bidiModule from "bidi-js";
import PDFDocument from "pdfkit";

/*
 * Text layout shared by the share card and the certificate: DejaVu metrics, fitting a string into
 * a box (shrink, then wrap, then truncate) and the Unicode bidi visual order of a line for pdfkit.
 */

const require = createRequire(import.meta.url);

/** The DejaVu TrueType files we measure with and embed (they cover Latin, Greek, Cyrillic, Hebrew, Arabic). */
export const DEJAVU = {
  sans: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  sansBold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
  serif: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSerif.ttf"),
  serifBold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf"),
  serifItalic: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf"),
  mono: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf"),
} as const;
export type FontName = keyof typeof DEJAVU;

/** Hebrew, Arabic, Syriac, Thaana, NKo… and the Hebrew/Arabic presentation forms. */
const RIGHT_TO_LEFT_SCRIPT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;

/** True for text in a right-to-left script, which must not be letter-spaced (Arabic is cursive) or set in serif. */
export function hasRightToLeftScript(text: string): boolean {
  return RIGHT_TO_LEFT_SCRIPT.test(text);
}

/** Only DejaVu Sans (upright) has both Hebrew and Arabic: strings with them are set in it, keeping the weight. */
export function fontFor(text: string, font: FontName): FontName {
  if (!hasRightToLeftScript(text)) {
    return font;
  }
  return font === "serifBold" || font === "sansBold" ? "sansBold" : "sans";
}

/** Width of `text` set in `font` at `size` (same units as the size: pt in PDF, px in SVG). */
export type TextMeasure = (text: string, font: FontName, size: number) => number;

/** Measures with the real DejaVu metrics, shaped by fontkit (through pdfkit), exactly as the PDF draws. */
export function createTextMeasure(): TextMeasure {
  const doc = new PDFDocument({ autoFirstPage: false, font: DEJAVU.sans });
  return (text, font, size) => doc.font(DEJAVU[font]).fontSize(size).widthOfString(text, { features: [] });
}

export type FitOptions = {
  font: FontName;
  maxWidth: number;
  maxSize: number;
  minSize: number;
  maxLines: number;
  /** Wrap onto another line rather than shrink below this fraction of maxSize (default 0.75). */
  wrapBelow?: number;
};
export type FittedText = { size: number; lines: string[] };

/** A wrappable piece of text and what joins it to the previous piece on the same line. */
type Token = { text: string; joiner: "" | " " };

/** Break opportunities: spaces, and after a hyphen or slash inside a word ("Hohenzollern-|Sigmaringen"). */
function tokenize(text: string): Token[] {
  return text
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .flatMap((word) =>
      (word.match(/[^-\u2010/]+[-\u2010/]*|[-\u2010/]+/gu) ?? [word]).map(
        (part, i): Token => ({
          text: part,
          joiner: i === 0 ? " " : "",
        }),
      ),
    );
}

function joinTokens(tokens: Token[]): string {
  return tokens.map((t, i) => (i === 0 ? t.text : t.joiner + t.text)).join("");
}

/**
 * Fits text into at most `maxLines` lines of `maxWidth`: the largest size on one line, else the fewest
 * balanced lines that keep the size above `wrapBelow`, else the smallest size that fits, else `minSize`
 * with words broken and the last line truncated with an ellipsis. Never returns a line wider than maxWidth.
 */
export function fitText(text: string, measure: TextMeasure, options: FitOptions): FittedText {
  const { font, maxWidth, maxSize, minSize, maxLines } = options;
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    return { size: maxSize, lines: [] };
  }
  // Widths scale linearly with the size, so everything is measured once at a unit size.
  const unit = (s: string) => measure(s, font, 100) / 100;
  const candidates: FittedText[] = [];
  if (tokens.length <= 200) {
    const widths = tokens.map((t) => unit(t.text));
    const space = unit(" ");
    for (let k = 1; k <= Math.min(maxLines, tokens.length); k++) {
      const lines = balancedLines(tokens, widths, space, k);
      const widest = Math.max(...lines.map(unit));
      candidates.push({ size: Math.min(maxSize, Math.floor((maxWidth / widest) * 10) / 10), lines });
    }
  }
  const threshold = Math.max(minSize, maxSize * (options.wrapBelow ?? 0.75));
  const chosen = candidates.find((c) => c.size >= threshold) ?? candidates.filter((c) => c.size >= minSize).at(-1);
  if (chosen) {
    return chosen;
  }
  return { size: minSize, lines: truncatedLines(tokens, (s) => unit(s) * minSize, maxWidth, maxLines) };
}

/** Splits tokens into exactly k lines minimising the widest line (dynamic programming over break points). */
function balancedLines(tokens: Token[], widths: number[], space: number, k: number): string[] {
  const n = tokens.length;
  const prefix = [0];
  tokens.forEach((t, i) => {
    prefix.push((prefix[i] ?? 0) + (widths[i] ?? 0) + (t.joiner === " " ? space : 0));
  });
  // Width of tokens i..j-1 on one line: the joiner before the first one is not drawn.
  const span = (i: number, j: number) => (prefix[j] ?? 0) - (prefix[i] ?? 0) - (tokens[i]?.joiner === " " ? space : 0);
  // best[l * (n + 1) + j]: the smallest widest line when the first j tokens are set in l lines.
  const at = (l: number, j: number) => l * (n + 1) + j;
  const best = new Array<number>((k + 1) * (n + 1)).fill(Number.POSITIVE_INFINITY);
  const cut = new Array<number>((k + 1) * (n + 1)).fill(0);
  best[at(0, 0)] = 0;
  for (let l = 1; l <= k; l++) {
    for (let j = l; j <= n; j++) {
      for (let i = l - 1; i < j; i++) {
        const value = Math.max(best[at(l - 1, i)] ?? Number.POSITIVE_INFINITY, span(i, j));
        if (value < (best[at(l, j)] ?? Number.POSITIVE_INFINITY)) {
          best[at(l, j)] = value;
          cut[at(l, j)] = i;
        }
      }
    }
  }
  const lines: string[] = [];
  for (let l = k, j = n; l > 0; l--) {
    const i = cut[at(l, j)] ?? 0;
    lines.unshift(joinTokens(tokens.slice(i, j)));
    j = i;
  }
  return lines;
}

/** Greedy wrap that breaks over-long words by character and ends an overflowing text with "…". */
function truncatedLines(tokens: Token[], width: (s: string) => number, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const token of tokens) {
    const joined = line ? line + token.joiner + token.text : token.text;
    if (width(joined) <= maxWidth) {
      line = joined;
      continue;
    }
    if (line) {
      lines.push(line);
    }
    line = "";
    for (const char of Array.from(token.text)) {
      if (line && width(line + char) > maxWidth) {
        lines.push(line);
        line = "";
      }
      line += char;
    }
  }
  if (line) {
    lines.push(line);
  }
  if (lines.length <= maxLines) {
    return lines;
  }
  const kept = lines.slice(0, maxLines);
  let last = Array.from(kept[maxLines - 1] ?? "");
  while (last.length > 0 && width(`${last.join("").trimEnd()}…`) > maxWidth) {
    last = last.slice(0, -1);
  }
  kept[maxLines - 1] = `${last.join("").trimEnd()}…`;
  return kept;
}

type BidiFactory = typeof bidiModule.default;
// bidi-js is CommonJS (`module.exports = factory`) but typed as an ES default export: accept either shape.
const interop = bidiModule as unknown as BidiFactory | { default: BidiFactory };
const bidi = (typeof interop === "function" ? interop : interop.default)();

/**
 * One line of text as runs in left-to-right visual order (Unicode bidi algorithm, UAX #9 L1–L4), for
 * pdfkit. pdfkit shapes each run with fontkit, which itself reverses a run whose script is Hebrew or
 * Arabic; so such runs stay in logical order (Arabic joining needs it) and only runs of mirrored
 * neutrals at a right-to-left level are reversed here. Mirrored pairs such as `(`/`)` are swapped.
 */
export function visualRuns(line: string): string[] {
  const text = line.trim();
  if (text === "") {
    return [];
  }
  const embedding = bidi.getEmbeddingLevels(text, "auto");
  const chars = text.split("");
  for (const [index, mirrored] of bidi.getMirroredCharactersMap(text, embedding.levels)) {
    chars[index] = mirrored;
  }
  const runs: Array<{ level: number; text: string }> = [];
  chars.forEach((char, index) => {
    const level = embedding.levels[index] ?? 0;
    const last = runs.at(-1);
    if (last && last.level === level) {
      last.text += char;
    } else {
      runs.push({ level, text: char });
    }
  });
  const levels = runs.map((r) => r.level);
  const lowestOdd = Math.min(...levels.map((l) => (l % 2 === 1 ? l : l + 1)));
  for (let level = Math.max(...levels); level >= lowestOdd; level--) {
    for (let start = 0; start < runs.length; start++) {
      if ((runs[start]?.level ?? 0) < level) {
        continue;
      }
      let end = start;
      while (end + 1 < runs.length && (runs[end + 1]?.level ?? 0) >= level) {
        end++;
      }
      runs.splice(start, end - start + 1, ...runs.slice(start, end + 1).reverse());
      start = end;
    }
  }
  return runs.map(({ level, text: run }) =>
    level % 2 === 1 && !RIGHT_TO_LEFT_SCRIPT.test(run) ? Array.from(run).reverse().join("") : run,
  );
}
