import { html } from "hono/html";
import type { PersonHit } from "../../../services/people.js";
import { FormAlert, type FormErrors, TextField } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

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

/** One match, through hono/html's escaping (the same as JSX's, cheaper for fifty rows). */
function personRow(row: PersonHit) {
  return html`<tr><td><a href="/console/people/${encodeURIComponent(row.ref)}" data-person="${row.ref}">${row.name}</a><br/><span class="muted">${row.email}</span></td></tr>`;
}

/** Find a person by the beginning of their e-mail address or name; each links to their page (by an opaque id). */
export function PeoplePage(props: PeopleView) {
  const { chrome, errors } = props;
  return (
    <ConsoleLayout chrome={chrome} title="People" current="people">
      <h1>People</h1>
      <section class="panel" aria-labelledby="search-head">
        <h2 id="search-head">Find a person</h2>
        <FormAlert message={Object.keys(errors).length ? "The search is not valid: see below." : undefined} />
        <form method="get" action="/console/people" class="inline-form">
          <TextField
            name="q"
            label="E-mail address or name"
            hint="The beginning is enough: “ada” finds Ada Lovelace and ada@example.org."
            value={props.query}
            errors={errors}
            maxLength={200}
            autocomplete="off"
          />
          <button type="submit" class="button">
            Search
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="people-head">
        <h2 id="people-head">{props.query ? "Matches" : "Everyone"}</h2>
        {props.rows.length === 0 ? (
          <p>{Object.keys(errors).length ? "Nothing was searched." : "No person matches."}</p>
        ) : (
          <ConsoleTable
            label="People table"
            caption="People whose e-mail address or name begins with the search"
            columns={["Person"]}
          >
            {props.rows.map(personRow)}
          </ConsoleTable>
        )}
        <nav aria-label="People pages" class="console-pager">
          {props.paged ? <a href={peopleHref(props.query)}>First matches</a> : null}
          {props.nextHref ? <a href={props.nextHref}>More matches</a> : null}
        </nav>
      </section>
    </ConsoleLayout>
  );
}
