import { raw } from "hono/html";
import { renderMarkdown } from "../markdown.js";

/**
 * The two ways a page inserts markup without escaping, each safe for a stated reason:
 * - Markdown goes through markdown-it with raw HTML and images disabled and links limited to http(s)/mailto
 *   (see ../markdown.ts), so its output contains no markup from the input;
 * - SVG that this service generated itself (the QR code from baking/qr.ts, via the badge-images service),
 *   whose only text is our own credential URL, XML-escaped by the generator.
 */
export function markdownHtml(text: string) {
  return raw(renderMarkdown(text));
}

export function generatedSvg(svg: string) {
  if (!svg.startsWith("<svg ")) {
    throw new Error("generatedSvg expects an SVG document this service produced");
  }
  return raw(svg);
}
