import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./env.js";
import { renderPage } from "./pages/render-page.js";

export { renderPage };

/**
 * The Content-Security-Policy of every page: nothing runs (no script source at all), styles only from our
 * stylesheet file, images only from us or inline data: (plus the configured issuer logo's origin when it is
 * hosted elsewhere: operator configuration, never visitor input), forms post only to us, no framing.
 */
export function pageCsp(extraImageOrigin?: string): string {
  const img = extraImageOrigin ? `'self' data: ${extraImageOrigin}` : "'self' data:";
  return `default-src 'none'; img-src ${img}; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

export type PageOptions = {
  status?: ContentfulStatusCode;
  /** `no-cache` (revalidate: status and expiry are live) by default; `no-store` for pages showing visitor input. */
  cache?: "no-cache" | "no-store" | "public";
  /** Set on URLs that also serve JSON: caches must keep the two apart. */
  varyAccept?: boolean;
  headers?: Record<string, string>;
};

const CACHE: Record<NonNullable<PageOptions["cache"]>, string> = {
  "no-cache": "no-cache",
  "no-store": "no-store",
  public: "public, max-age=300",
};

/** The last logo's answer (the configuration does not change while the app runs: parsed once, not per page). */
let logoOnce: { publicUrl: string; image: string | undefined; csp: string } | undefined;

/** The page CSP for the configured issuer logo: its origin is allowed when it is not ours. */
function csp(c: Context<AppEnv>): string {
  const { publicUrl, issuer } = c.get("ctx").config;
  if (logoOnce?.publicUrl === publicUrl && logoOnce.image === issuer.image) {
    return logoOnce.csp;
  }
  let origin: string | undefined;
  try {
    const parsed = new URL(issuer.image).origin;
    origin = parsed === publicUrl ? undefined : parsed;
  } catch {
    origin = undefined;
  }
  logoOnce = { publicUrl, image: issuer.image, csp: pageCsp(origin) };
  return logoOnce.csp;
}

/** A string's UTF-8 bytes as a plain Uint8Array view (what a Response body takes). */
function utf8(text: string): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.from(text, "utf8");
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}

/** Renders a page into an HTML response with the page headers. */
export function sendPage(c: Context<AppEnv>, page: Child, options: PageOptions = {}): Response {
  return sendHtml(c, renderPage(page), options);
}

/**
 * An HTML document (from renderPage; or its UTF-8 bytes, which the response sends as they are, where a string is
 * checked and encoded on every response) as a response with the page headers.
 */
export function sendHtml(
  c: Context<AppEnv>,
  html: string | Uint8Array<ArrayBuffer>,
  options: PageOptions = {},
): Response {
  return c.body(htmlBody(html), options.status ?? 200, pageHeaders(c, options));
}

/** The headers sendHtml gives a page (a new object each time: the caller may add to it). */
export function pageHeaders(c: Context<AppEnv>, options: PageOptions): Record<string, string> {
  // Built property by property: an object literal that spreads one object and then adds properties takes V8's slow
  // path (1 to 4 µs on Node 20, measured), on every page. The page's own headers win over the caller's, as before.
  const headers: Record<string, string> = {};
  const extra = options.headers;
  if (extra) {
    for (const name in extra) {
      headers[name] = extra[name] as string;
    }
  }
  headers["content-type"] = "text/html; charset=utf-8";
  headers["content-security-policy"] = csp(c);
  headers["cache-control"] = CACHE[options.cache ?? "no-cache"];
  if (options.varyAccept) {
    headers.vary = "Accept";
  }
  return headers;
}

/**
 * A page's body as sendHtml sends it. A string body is checked for lone surrogates (a full scan, slow on pages with
 * non-Latin-1 text) and then encoded, on every response; Buffer.from encodes once, replacing a lone surrogate with
 * U+FFFD as that check does: the same bytes. (@hono/node-server writes either kind as it is.)
 */
export function htmlBody(html: string | Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return typeof html === "string" ? utf8(html) : html;
}
