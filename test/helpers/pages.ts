import { adminPost } from "./http.js";
import type { TestApp } from "./make-app.js";

/** What a browser sends when following a link. */
export const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

export function getPage(t: TestApp, path: string): Promise<Response> {
  return Promise.resolve(t.app.request(path, { headers: { accept: BROWSER_ACCEPT } }));
}

export function postForm(t: TestApp, path: string, form: FormData | URLSearchParams): Promise<Response> {
  return Promise.resolve(t.app.request(path, { method: "POST", body: form, headers: { accept: BROWSER_ACCEPT } }));
}

/** HTML attribute text back to the characters it stands for. */
export function decodeEntities(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/** The content of `<meta property="…">` (or name=). */
export function meta(html: string, key: string): string | undefined {
  const found = new RegExp(`<meta (?:property|name)="${key.replace(/[.:]/g, "\\$&")}" content="([^"]*)"`).exec(html);
  return found?.[1] === undefined ? undefined : decodeEntities(found[1]);
}

/** The href of the first `<a …data-x…>`-style element matching `marker` (a literal attribute such as data-linkedin="share"). */
export function hrefWith(html: string, marker: string): string | undefined {
  const tag = new RegExp(`<a [^>]*${marker}[^>]*>`).exec(html)?.[0];
  const href = tag ? /href="([^"]*)"/.exec(tag)?.[1] : undefined;
  return href === undefined ? undefined : decodeEntities(href);
}

/** The verdict the banner shows. */
export function verdictOf(html: string): string | undefined {
  return /data-verdict="([a-z-]+)"/.exec(html)?.[1];
}

/**
 * Issues one credential of every catalog certification to each of `names` (recipient n at pn@example.org), through
 * the API; the ids of those issued (a certification that needs more than a name is left out).
 */
export async function issueEveryCertification(t: TestApp, names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const entry of t.ctx.catalog.entries) {
    for (const [n, name] of names.entries()) {
      const res = await adminPost(t, "/admin/credentials", {
        achievementId: entry.id,
        recipient: { email: `p${n}@example.org`, name },
      });
      if (res.status === 201) {
        ids.push(((await res.json()) as { id: string }).id);
      }
    }
  }
  return ids;
}
