/**
 * Which URLs a page may put in `href`/`src`. Values come from credentials (possibly uploaded by a stranger), so a
 * link is kept only for http(s) (and mailto for emails), and an image is loaded only from our own origin or a
 * data: URL: the CSP would block the rest anyway, this keeps the page from showing broken images.
 */

/** An absolute http(s) URL, or undefined (javascript:, data:, relative and malformed URLs are dropped). */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** `mailto:` for a plausible email address, else undefined. */
export function mailtoUrl(email: string | undefined): string | undefined {
  return email && /^[^\s@<>"]+@[^\s@<>"]+$/.test(email)
    ? `mailto:${encodeURIComponent(email).replace("%40", "@")}`
    : undefined;
}

/** A path that stays on this host: one leading slash, then neither a slash nor a backslash. */
const LOCAL_PATH = /^\/(?![/\\])/;

const PAGE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * The root-relative path of a URL on our own origin (so pages work behind any host name), else undefined. A path a
 * browser would read as another host is never returned: `https://us//evil.example/x` would give `//evil.example/x`,
 * and `/\evil.example` is the same thing to a browser (the URL parser has already turned `\` into `/`).
 */
export function ownPath(value: string | undefined, publicUrl: string): string | undefined {
  if (!value?.startsWith(`${publicUrl}/`)) {
    return undefined;
  }
  try {
    const url = new URL(value);
    const path = `${url.pathname}${url.search}`;
    return url.origin === publicUrl && LOCAL_PATH.test(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The path of one of our own pages (`/credentials/<id>`, `/achievements/<id>`) when `value` is exactly that page's
 * absolute URL as we write it into credentials, else undefined: what a credential says is linked as ours only in that
 * form, and the path is rebuilt here rather than taken from it.
 */
export function ownPagePath(
  value: string | undefined,
  publicUrl: string,
  kind: "credentials" | "achievements",
): string | undefined {
  const prefix = `${publicUrl}/${kind}/`;
  const id = value?.startsWith(prefix) ? value.slice(prefix.length) : undefined;
  return id !== undefined && PAGE_ID.test(id) ? `/${kind}/${id}` : undefined;
}

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml)(;base64)?,/i;

/** An image source a page may load: our own origin (as a path) or an inline data: image; else undefined. */
export function safeImageSrc(value: string | undefined, publicUrl: string): string | undefined {
  if (!value) {
    return undefined;
  }
  return ownPath(value, publicUrl) ?? (DATA_IMAGE.test(value) ? value : undefined);
}
