import { escapeXml } from "./fill-svg-template.js";

/** A band across an image: its word and colour. */
export type Stamp = { label: string; colour: string };

/** The bands of a credential that is no longer in force (words and colours match the page's verdict banner). */
export const STAMPS = {
  revoked: { label: "REVOKED", colour: "#b42318" },
  replaced: { label: "REPLACED", colour: "#5b6470" },
  suspended: { label: "SUSPENDED", colour: "#a35f00" },
  expired: { label: "EXPIRED", colour: "#5b6470" },
} as const satisfies Record<string, Stamp>;

const COLOUR = /^#[0-9a-f]{6}$/i;

/** The geometry of a band along the rising diagonal of a width × height box. */
export function stampGeometry(width: number, height: number) {
  const short = Math.min(width, height);
  return {
    cx: width / 2,
    cy: height / 2,
    /** Degrees, counter-clockwise: from the bottom-left corner towards the top-right one. */
    angle: (Math.atan2(height, width) * 180) / Math.PI,
    length: Math.hypot(width, height) + short * 0.2,
    thickness: short * 0.17,
    fontSize: short * 0.11,
  };
}

/**
 * Adds a diagonal band with the stamp's word across an SVG drawn in a `width` × `height` viewBox, as the last
 * thing painted (over the artwork), with a white edge so it stays legible on any colour. The word is escaped.
 */
export function stampSvg(svg: string, stamp: Stamp, size: { width: number; height: number }): string {
  const end = svg.lastIndexOf("</svg>");
  if (end < 0) {
    throw new TypeError("stampSvg expects an SVG document");
  }
  const colour = COLOUR.test(stamp.colour) ? stamp.colour : "#b42318";
  const g = stampGeometry(size.width, size.height);
  const f = (n: number) => n.toFixed(1);
  const band =
    `<g data-stamp="${escapeXml(stamp.label)}" transform="rotate(${f(-g.angle)} ${f(g.cx)} ${f(g.cy)})">` +
    `<rect x="${f(g.cx - g.length / 2)}" y="${f(g.cy - g.thickness / 2)}" width="${f(g.length)}" height="${f(g.thickness)}"` +
    ` fill="${colour}" fill-opacity="0.92" stroke="#ffffff" stroke-width="${f(g.thickness * 0.06)}"/>` +
    // The baseline sits 0.36 em below the middle: DejaVu's capitals are 0.73 em tall (no dominant-baseline in librsvg).
    `<text x="${f(g.cx)}" y="${f(g.cy + g.fontSize * 0.36)}" text-anchor="middle" font-family="DejaVu Sans, sans-serif"` +
    ` font-size="${f(g.fontSize)}" font-weight="700" letter-spacing="${f(g.fontSize * 0.12)}" fill="#ffffff">` +
    `${escapeXml(stamp.label)}</text></g>`;
  return `${svg.slice(0, end)}${band}${svg.slice(end)}`;
}
