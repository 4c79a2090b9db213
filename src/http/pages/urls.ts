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

/** The root-relative path of a URL on our own origin (so pages work behind any host name), else undefined. */
export function ownPath(value: string | undefined, publicUrl: string): string | undefined {
  if (!value?.startsWith(`${publicUrl}/`)) {
    return undefined;
  }
  try {
    const url = new URL(value);
    return url.origin === publicUrl ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml)(;base64)?,/i;

/** An image source a page may load: our own origin (as a path) or an inline data: image; else undefined. */
export function safeImageSrc(value: string | undefined, publicUrl: string): string | undefined {
  if (!value) {
    return undefined;
  }
  return ownPath(value, publicUrl) ?? (DATA_IMAGE.test(value) ? value : undefined);
}
