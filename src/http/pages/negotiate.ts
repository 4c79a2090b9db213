/**
 * Content negotiation between a page and a JSON(-LD) document at the same URL. HTML is chosen only when the
 * client names text/html (or XHTML) at least as strongly as any JSON type; a wildcard never selects HTML, so
 * verifiers, wallets and curl (no Accept, or *\/*) keep receiving the document.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) {
    return false;
  }
  let html = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const weight = Number.isFinite(q) ? q : 0;
    const mediaType = type.trim();
    if (mediaType === "text/html" || mediaType === "application/xhtml+xml") {
      html = Math.max(html, weight);
    } else if (mediaType === "application/json" || mediaType.endsWith("+json")) {
      json = Math.max(json, weight);
    }
  }
  return html > 0 && html >= json;
}
