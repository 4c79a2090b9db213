import { LRUCache } from "lru-cache";
import MarkdownIt from "markdown-it";

/**
 * Markdown for criteria narratives, which may come from an uploaded credential: raw HTML is off (`html: false`
 * escapes it), an image is shown as its (escaped) alt text (no third-party loads), and links are kept only for
 * absolute http(s) and mailto URLs, with rel="nofollow noopener". The output is therefore HTML we can insert as is.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.renderer.rules.image = (tokens, idx) => md.utils.escapeHtml(tokens[idx]?.content ?? "");
md.validateLink = (url: string) => /^(https?:\/\/|mailto:)/i.test(url.trim());

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "nofollow noopener");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/**
 * Narratives repeat across every credential of a certification: render each text once. Module state on purpose: a
 * bounded memo of a pure function (the same text gives the same HTML in every service context), so it is not part of
 * the service state (services/deps.ts).
 */
const cache = new LRUCache<string, string>({
  max: 500,
  maxSize: 2_000_000,
  sizeCalculation: (v, k) => v.length + k.length,
});

/** Safe HTML for a Markdown text (see the module comment for why it needs no further escaping). */
export function renderMarkdown(text: string): string {
  let html = cache.get(text);
  if (html === undefined) {
    html = md.render(text);
    cache.set(text, html);
  }
  return html;
}
