import { raw } from "hono/html";
import { isoDayOf, MS_PER_DAY } from "../../../domain/civil-date.js";
import type { ListedState } from "../../../services/read-credentials.js";
import type { FormErrors } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout, listPageBytes } from "./layout.js";
import { consoleTableEdges, escapeText, formAlertMarkup, selectFieldMarkup, textFieldMarkup } from "./markup.js";
import { encoded, type PageWriter } from "./page-bytes.js";

export const LISTED_STATES: readonly ListedState[] = ["active", "revoked", "suspended", "expired"];

export type CredentialFilters = { achievementId?: string; state?: string; email?: string };

/** A row of the list, as the service reads it (CredentialSummary). */
export type CredentialRow = {
  id: string;
  achievementName: string;
  recipientEmail: string;
  recipientName: string;
  /** When it was issued and when it expires (epoch milliseconds; null: never). */
  createdAt: number;
  validUntil: number | null;
  state: ListedState;
};

export type CredentialsView = {
  chrome: ConsoleChrome;
  filters: CredentialFilters;
  /** The certifications this account may read credentials of (the filter's choices). */
  certifications: readonly { id: string; name: string }[];
  rows: CredentialRow[];
  /** The link to the next (older) page, or null at the end. */
  olderHref: string | null;
  paged: boolean;
  /** Whether this account may issue a credential by hand (for at least one program). */
  canIssue: boolean;
  errors: FormErrors;
};

const STATE_WORDS: Record<ListedState, string> = {
  active: "Active",
  revoked: "Revoked",
  suspended: "Suspended",
  expired: "Expired",
};

/** The credentials list's address for these filters (and a later page, `cursor`). */
export function credentialsHref(filters: CredentialFilters, cursor?: string): string {
  return consoleHref("/console/credentials", { ...filters, cursor });
}

/**
 * A day as the list shows it: YYYY-MM-DD (UTC), as `toISOString().slice(0, 10)` writes it for the years 0-9999, from
 * the day number by the civil calendar's arithmetic (H. Hinnant's days-to-civil): a hundred `toISOString` calls were a
 * tenth of the page's own work.
 */
export function dayOf(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  // a page's rows are in date order, so mostly of the day before: that day's text is reused
  if (days === lastDay.days) {
    return lastDay.text;
  }
  const text = isoDayOf(ms, days);
  lastDay = { days, text };
  return text;
}

/** The day dayOf wrote last. */
let lastDay = { days: Number.NaN, text: "" };

/** A row's markup from its link's id to its issue date (ROW_START, then the id: see credentialRows). */
const ROW_START = '<tr><td><a href="/console/credentials/';
const NAME_TO_EMAIL = '</a><br/><span class="muted">';

/** A row's markup after its issue date, by state: with its expiry date before it (dated), or "Never" (never). */
const ROW_ENDS = Object.fromEntries(
  Object.entries(STATE_WORDS).map(([state, words]) => [
    state,
    { dated: `</td><td>${words}</td></tr>`, never: `</td><td>Never</td><td>${words}</td></tr>` },
  ]),
) as Record<ListedState, { dated: string; never: string }>;

/** The rows' unchanging markup as UTF-8, for their bytes (credentialRowsInto). */
const ROW_START_BYTES = encoded(ROW_START);
const AFTER_ID_BYTES = encoded('">');
const NAME_TO_EMAIL_BYTES = encoded(NAME_TO_EMAIL);
const CELL_BYTES = encoded("</td><td>");
const ROW_END_BYTES = Object.fromEntries(
  Object.entries(ROW_ENDS).map(([state, ends]) => [state, { dated: encoded(ends.dated), never: encoded(ends.never) }]),
) as Record<ListedState, { dated: Uint8Array; never: Uint8Array }>;

/**
 * The list's rows, one string each: `<tr><td><a href="/console/credentials/{id}">{name}</a><br/><span
 * class="muted">{email}</span></td><td>{certification}</td><td>{issued}</td><td>{expires}</td><td>{state}</td></tr>`
 * (test/unit/console-page-bytes.test.ts holds it to that template). The markup between the values that do not change
 * along a page is joined once: between the email and the issue date (the certification's name, escaped once per run
 * of rows of that certification: a filtered page has one) and after the issue date (by state, and whether the row
 * expires), so a row is eight joins rather than fourteen (each a string made, a fifth of a list's markup garbage).
 */
function credentialRows(rows: readonly CredentialRow[]): string[] {
  const markup: string[] = [];
  let name: string | undefined;
  let middle = "";
  for (const row of rows) {
    if (row.achievementName !== name) {
      name = row.achievementName;
      middle = `</span></td><td>${escapeText(name)}</td><td>`;
    }
    const ends = ROW_ENDS[row.state];
    const end = row.validUntil === null ? ends.never : `</td><td>${dayOf(row.validUntil)}${ends.dated}`;
    markup.push(
      `${ROW_START}${escapeText(row.id)}">${escapeText(row.recipientName)}${NAME_TO_EMAIL}${escapeText(row.recipientEmail)}${middle}${dayOf(row.createdAt)}${end}`,
    );
  }
  return markup;
}

/**
 * credentialRows written into a page: the same markup (test/unit/console-page-bytes.test.ts), its unchanging parts as
 * bytes encoded once, its values as text, with no string made for a row (the route's page: credentialsPageBytes).
 */
function credentialRowsInto(page: PageWriter, rows: readonly CredentialRow[]): void {
  let name: string | undefined;
  let middle: Uint8Array = ROW_START_BYTES;
  for (const row of rows) {
    if (row.achievementName !== name) {
      name = row.achievementName;
      middle = encoded(`</span></td><td>${escapeText(name)}</td><td>`);
    }
    page.bytes(ROW_START_BYTES);
    page.text(escapeText(row.id));
    page.bytes(AFTER_ID_BYTES);
    page.text(escapeText(row.recipientName));
    page.bytes(NAME_TO_EMAIL_BYTES);
    page.text(escapeText(row.recipientEmail));
    page.bytes(middle);
    page.text(dayOf(row.createdAt));
    const ends = ROW_END_BYTES[row.state];
    if (row.validUntil === null) {
      page.bytes(ends.never);
    } else {
      page.bytes(CELL_BYTES);
      page.text(dayOf(row.validUntil));
      page.bytes(ends.dated);
    }
  }
}

const STATE_OPTIONS = [
  { value: "", label: "Any state" },
  ...LISTED_STATES.map((s) => ({ value: s, label: STATE_WORDS[s] })),
];

/** The certification filter's choices, made once per list of certifications (the route keeps those per catalog). */
const CERTIFICATION_OPTIONS = new WeakMap<object, readonly { value: string; label: string }[]>();

function certificationOptions(certifications: CredentialsView["certifications"]) {
  let options = CERTIFICATION_OPTIONS.get(certifications);
  if (!options) {
    options = Object.freeze([
      { value: "", label: "Every certification" },
      ...certifications.map((c) => ({ value: c.id, label: c.name })),
    ]);
    CERTIFICATION_OPTIONS.set(certifications, options);
  }
  return options;
}

/** The list's table before and after its rows (the same for every page). */
const TABLE = consoleTableEdges({
  label: "Credentials table",
  caption: "Credentials, newest first",
  columns: ["Recipient", "Certification", "Issued", "Expires", "State"],
});

/** The page's content around its rows: the markup before them and after them. */
function credentialsContent(props: CredentialsView): { before: string; after: string } {
  const { filters, errors } = props;
  const [listStart, listEnd] = props.rows.length === 0 ? ["<p>No credential matches.</p>", ""] : TABLE;
  const newest = props.paged ? `<a href="${escapeText(credentialsHref(filters))}">Newest credentials</a>` : "";
  const older = props.olderHref ? `<a href="${escapeText(props.olderHref)}">Older credentials</a>` : "";
  const before = `<h1>Credentials</h1>${props.canIssue ? '<p><a class="button" href="/console/credentials/new">Issue a credential</a></p>' : ""}<section class="panel" aria-labelledby="filter-head"><h2 id="filter-head">Filter</h2>${formAlertMarkup(Object.keys(errors).length ? "The filter is not valid: see below." : undefined)}<form method="get" action="/console/credentials" class="inline-form">${selectFieldMarkup(
    {
      name: "achievementId",
      label: "Certification",
      value: filters.achievementId,
      errors,
      options: certificationOptions(props.certifications),
    },
  )}${selectFieldMarkup({ name: "state", label: "State", value: filters.state, errors, options: STATE_OPTIONS })}${textFieldMarkup(
    { name: "email", label: "Recipient email", type: "email", value: filters.email, errors, maxLength: 320 },
  )}<button type="submit" class="button">Filter</button></form></section><section class="panel" aria-labelledby="list-head"><h2 id="list-head">Credentials</h2>${listStart}`;
  const after = `${listEnd}<nav aria-label="Credential pages" class="console-pager">${newest}${older}</nav></section>`;
  return { before, after };
}

/**
 * Credentials of the programs this account may read, newest first, filtered by certification, state and recipient.
 * Built as one string (markup.ts: the markup of the JSX it replaced) inside the console's layout.
 */
export function CredentialsPage(props: CredentialsView) {
  const { before, after } = credentialsContent(props);
  return ConsoleLayout({
    chrome: props.chrome,
    title: "Credentials",
    current: "credentials",
    children: raw(`${before}${credentialRows(props.rows).join("")}${after}`),
  });
}

/**
 * The whole document of CredentialsPage as UTF-8, written by parts (page-bytes.ts): the layout's head and the markup
 * before the rows as text, the rows as they go (credentialRowsInto), then the markup after them. What its route sends.
 */
export function credentialsPageBytes(props: CredentialsView): Uint8Array<ArrayBuffer> {
  return listPageBytes(
    props.chrome,
    "Credentials",
    "credentials",
    credentialsContent(props),
    props.rows,
    credentialRowsInto,
  );
}
