import { raw } from "hono/html";
import type { PersonHit } from "../../../services/people.js";
import type { FormErrors } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout, listPageBytes } from "./layout.js";
import { consoleTableEdges, escapeText, formAlertMarkup, textFieldMarkup } from "./markup.js";
import { encoded, type PageWriter } from "./page-bytes.js";

export type PeopleView = {
  chrome: ConsoleChrome;
  query: string;
  rows: PersonHit[];
  /** The link to the next page of matches, or null at the end. */
  nextHref: string | null;
  paged: boolean;
  errors: FormErrors;
};

/** The people page's address for this search (and a later page, `cursor`). */
export function peopleHref(query: string, cursor?: string): string {
  return consoleHref("/console/people", { q: query, cursor });
}

/**
 * A reference that encodeURIComponent and escapeText both leave as it is (a recipient's or evidence record's id, a
 * UUID): written once as it is, rather than encoded and escaped for the link and escaped for the attribute.
 */
const PLAIN_REF = /^[A-Za-z0-9._~-]*$/;

/** One match (its reference is opaque: encoded and escaped in the link, escaped in the attribute). */
function personRow(row: PersonHit): string {
  const { ref } = row;
  const plain = PLAIN_REF.test(ref);
  const link = plain ? ref : escapeText(encodeURIComponent(ref));
  const attribute = plain ? ref : escapeText(ref);
  return `<tr><td><a href="/console/people/${link}" data-person="${attribute}">${escapeText(row.name)}</a><br/><span class="muted">${escapeText(row.email)}</span></td></tr>`;
}

/** A row's unchanging markup as UTF-8, for the rows' bytes (personRowsInto). */
const ROW_START_BYTES = encoded('<tr><td><a href="/console/people/');
const LINK_TO_REF_BYTES = encoded('" data-person="');
const REF_TO_NAME_BYTES = encoded('">');
const NAME_TO_EMAIL_BYTES = encoded('</a><br/><span class="muted">');
const ROW_END_BYTES = encoded("</span></td></tr>");

/**
 * personRow written into a page for each match: the same markup (test/unit/console-page-bytes.test.ts), its unchanging
 * parts as bytes encoded once, its values as text, with no string made for a row (the route's page: peoplePageBytes).
 */
function personRowsInto(page: PageWriter, rows: readonly PersonHit[]): void {
  for (const row of rows) {
    const { ref } = row;
    const plain = PLAIN_REF.test(ref);
    page.bytes(ROW_START_BYTES);
    page.text(plain ? ref : escapeText(encodeURIComponent(ref)));
    page.bytes(LINK_TO_REF_BYTES);
    page.text(plain ? ref : escapeText(ref));
    page.bytes(REF_TO_NAME_BYTES);
    page.text(escapeText(row.name));
    page.bytes(NAME_TO_EMAIL_BYTES);
    page.text(escapeText(row.email));
    page.bytes(ROW_END_BYTES);
  }
}

/** The search's table before and after its rows (the same for every page). */
const TABLE = consoleTableEdges({
  label: "People table",
  caption: "People whose e-mail address or name begins with the search",
  columns: ["Person"],
});

/** The page's content around its rows: the markup before them and after them. */
function peopleContent(props: PeopleView): { before: string; after: string } {
  const { errors } = props;
  const invalid = Object.keys(errors).length > 0;
  const [listStart, listEnd] =
    props.rows.length === 0 ? [`<p>${invalid ? "Nothing was searched." : "No person matches."}</p>`, ""] : TABLE;
  const first = props.paged ? `<a href="${escapeText(peopleHref(props.query))}">First matches</a>` : "";
  const more = props.nextHref ? `<a href="${escapeText(props.nextHref)}">More matches</a>` : "";
  const field = textFieldMarkup({
    name: "q",
    label: "E-mail address or name",
    hint: "The beginning is enough: “ada” finds Ada Lovelace and ada@example.org.",
    value: props.query,
    errors,
    maxLength: 200,
    autocomplete: "off",
  });
  const before = `<h1>People</h1><section class="panel" aria-labelledby="search-head"><h2 id="search-head">Find a person</h2>${formAlertMarkup(invalid ? "The search is not valid: see below." : undefined)}<form method="get" action="/console/people" class="inline-form">${field}<button type="submit" class="button">Search</button></form></section><section class="panel" aria-labelledby="people-head"><h2 id="people-head">${props.query ? "Matches" : "Everyone"}</h2>${listStart}`;
  const after = `${listEnd}<nav aria-label="People pages" class="console-pager">${first}${more}</nav></section>`;
  return { before, after };
}

/**
 * Find a person by the beginning of their e-mail address or name; each links to their page (by an opaque id). Built as
 * one string (markup.ts: the markup of the JSX it replaced) inside the console's layout.
 */
export function PeoplePage(props: PeopleView) {
  const { before, after } = peopleContent(props);
  let rows = "";
  for (const row of props.rows) {
    rows += personRow(row);
  }
  return ConsoleLayout({
    chrome: props.chrome,
    title: "People",
    current: "people",
    children: raw(`${before}${rows}${after}`),
  });
}

/**
 * The whole document of PeoplePage as UTF-8, written by parts (page-bytes.ts): the layout's head and the markup before
 * the rows as text, the rows as they go (personRowsInto), then the markup after them. What its route sends.
 */
export function peoplePageBytes(props: PeopleView): Uint8Array<ArrayBuffer> {
  return listPageBytes(props.chrome, "People", "people", peopleContent(props), props.rows, personRowsInto);
}
