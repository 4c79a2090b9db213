import { escapeToBuffer } from "hono/utils/html";
import { describedBy, type FormErrors } from "./form.js";

/**
 * The console's list pages built as strings: a page's fifty rows and its filter form rendered as JSX elements cost it
 * more than its query. Each function gives exactly the markup of its JSX twin in form.tsx (test/unit/console-markup
 * holds them equal), with the same escaping (hono's: & < > " ').
 */

/** A character escapeText changes (hono's set): most texts have none, and are then returned as they are. */
const ESCAPED = /[&<>'"]/;

/** Text (or an attribute's value) escaped as hono/jsx and hono/html escape it. */
export function escapeText(text: string): string {
  if (!ESCAPED.test(text)) {
    return text;
  }
  const buffer: [string] = [""];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/** ` name="value"` escaped, or nothing when the value is undefined (as JSX leaves out an undefined attribute). */
function attribute(name: string, value: string | number | undefined): string {
  return value === undefined ? "" : ` ${name}="${escapeText(String(value))}"`;
}

/** form.tsx's Field around `control`. */
function field(id: string, label: string, hint: string | undefined, error: string | undefined, control: string) {
  const hintMarkup = hint ? `<p class="field__hint" id="${escapeText(id)}-hint">${escapeText(hint)}</p>` : "";
  const errorMarkup = error ? `<p class="field__error" id="${escapeText(id)}-error">${escapeText(error)}</p>` : "";
  return `<div class="field"><label for="${escapeText(id)}">${escapeText(label)}</label>${hintMarkup}${control}${errorMarkup}</div>`;
}

/** form.tsx's TextField. */
export function textFieldMarkup(props: {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "date";
  value?: string;
  hint?: string;
  errors: FormErrors;
  required?: boolean;
  autocomplete?: string;
  maxLength?: number;
}): string {
  const id = `field-${props.name}`;
  const error = props.errors[props.name];
  const control = `<input${attribute("id", id)}${attribute("name", props.name)}${attribute("type", props.type ?? "text")}${attribute("value", props.value ?? "")}${props.required ? ' required=""' : ""}${attribute("autocomplete", props.autocomplete)}${attribute("maxlength", props.maxLength)}${attribute("aria-invalid", error ? "true" : undefined)}${attribute("aria-describedby", describedBy(id, Boolean(props.hint), error))}/>`;
  return field(id, props.label, props.hint, error, control);
}

type PreparedOption = { value: string; plain: string; selected: string };

/**
 * Each option's markup, plain and chosen, escaped once per list of options (a list the caller keeps, as the
 * credentials filter's, is escaped once; a list made per call only for that call).
 */
const PREPARED_OPTIONS = new WeakMap<object, PreparedOption[]>();

function preparedOptions(options: readonly { value: string; label: string }[]): PreparedOption[] {
  let prepared = PREPARED_OPTIONS.get(options);
  if (!prepared) {
    prepared = options.map((option) => {
      const value = escapeText(option.value);
      const label = escapeText(option.label);
      return {
        value: option.value,
        plain: `<option value="${value}">${label}</option>`,
        selected: `<option value="${value}" selected="">${label}</option>`,
      };
    });
    PREPARED_OPTIONS.set(options, prepared);
  }
  return prepared;
}

/** form.tsx's SelectField. */
export function selectFieldMarkup(props: {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  value?: string;
  hint?: string;
  errors: FormErrors;
}): string {
  const id = `field-${props.name}`;
  const error = props.errors[props.name];
  const chosen = props.value ?? "";
  let options = "";
  for (const option of preparedOptions(props.options)) {
    options += option.value === chosen ? option.selected : option.plain;
  }
  const control = `<select${attribute("id", id)}${attribute("name", props.name)}${attribute("aria-invalid", error ? "true" : undefined)}${attribute("aria-describedby", describedBy(id, Boolean(props.hint), error))}>${options}</select>`;
  return field(id, props.label, props.hint, error, control);
}

/** form.tsx's FormAlert. */
export function formAlertMarkup(message: string | undefined): string {
  return message ? `<div class="console-alert" role="alert"><p>${escapeText(message)}</p></div>` : "";
}

/** table.tsx's ConsoleTable, its body rows given as markup. */
export function consoleTableMarkup(props: { label: string; caption: string; columns: string[]; rows: string }): string {
  const [start, end] = consoleTableEdges(props);
  return `${start}${props.rows}${end}`;
}

/** consoleTableMarkup before and after its body rows (a page written by parts: page-bytes.ts). */
export function consoleTableEdges(props: { label: string; caption: string; columns: string[] }): [string, string] {
  let columns = "";
  for (const column of props.columns) {
    columns += `<th scope="col">${escapeText(column)}</th>`;
  }
  return [
    `<section class="console-table-wrap" aria-label="${escapeText(props.label)}" tabindex="0"><table class="console-table"><caption class="visually-hidden">${escapeText(props.caption)}</caption><thead><tr>${columns}</tr></thead><tbody>`,
    "</tbody></table></section>",
  ];
}
