import { html } from "hono/html";
import type { Child } from "hono/jsx";

/**
 * A console table: a focusable box that scrolls sideways on a phone (named for screen readers), a hidden caption,
 * and one header row; `children` are its body rows.
 */
export function ConsoleTable(props: { label: string; caption: string; columns: string[]; children?: Child }) {
  // hono/html (the JSX's markup and escaping): the lists' and the overview's tables, a template each
  const columns = props.columns.map((column) => html`<th scope="col">${column}</th>`);
  return html`<section class="console-table-wrap" aria-label="${props.label}" tabindex="0"><table class="console-table"><caption class="visually-hidden">${props.caption}</caption><thead><tr>${columns}</tr></thead><tbody>${props.children}</tbody></table></section>`;
}
