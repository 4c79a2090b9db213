/** XML 1.0 §2.2 Char: anything outside it cannot be carried in an XML document at all, escaped or not. */
export const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for XML character data and attribute values; characters XML cannot carry are left out. */
export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML_CHAR, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** Our own markup, trusted and inserted as is (only code builds these, never user input). */
export type TrustedMarkup = { markup: string };

/**
 * Fills `{{slot}}` placeholders in an SVG template. Strings are always XML-escaped; only values
 * wrapped as TrustedMarkup are inserted raw. An unknown slot is an error, not silently left.
 */
export function fillSvgTemplate(template: string, values: Record<string, string | number | TrustedMarkup>): string {
  return template.replace(/\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g, (_match, slot: string) => {
    const value = values[slot];
    if (value === undefined) {
      throw new Error(`SVG template slot {{${slot}}} has no value`);
    }
    if (typeof value === "object") {
      return value.markup;
    }
    return escapeXml(String(value));
  });
}
