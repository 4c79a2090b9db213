import { html } from "hono/html";
import type { ListedState } from "../../../services/read-credentials.js";
import { FormAlert, type FormErrors, SelectField, TextField } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export const LISTED_STATES: readonly ListedState[] = ["active", "revoked", "suspended", "expired"];

export type CredentialFilters = { achievementId?: string; state?: string; email?: string };

export type CredentialRow = {
  id: string;
  achievementName: string;
  recipientEmail: string;
  recipientName: string;
  issuedAt: string;
  validUntil: string | null;
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
 * One row of the list, through hono/html's escaping (the same as JSX's): fifty rows of JSX elements cost the page
 * more than its query.
 */
function credentialRow(row: CredentialRow) {
  return html`<tr><td><a href="/console/credentials/${row.id}">${row.recipientName}</a><br/><span class="muted">${row.recipientEmail}</span></td><td>${row.achievementName}</td><td>${row.issuedAt.slice(0, 10)}</td><td>${row.validUntil ? row.validUntil.slice(0, 10) : "Never"}</td><td>${STATE_WORDS[row.state]}</td></tr>`;
}

/** Credentials of the programs this account may read, newest first, filtered by certification, state and recipient. */
export function CredentialsPage(props: CredentialsView) {
  const { chrome, filters, errors } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Credentials" current="credentials">
      <h1>Credentials</h1>
      {props.canIssue ? (
        <p>
          <a class="button" href="/console/credentials/new">
            Issue a credential
          </a>
        </p>
      ) : null}
      <section class="panel" aria-labelledby="filter-head">
        <h2 id="filter-head">Filter</h2>
        <FormAlert message={Object.keys(errors).length ? "The filter is not valid: see below." : undefined} />
        <form method="get" action="/console/credentials" class="inline-form">
          <SelectField
            name="achievementId"
            label="Certification"
            value={filters.achievementId}
            errors={errors}
            options={[
              { value: "", label: "Every certification" },
              ...props.certifications.map((c) => ({ value: c.id, label: c.name })),
            ]}
          />
          <SelectField
            name="state"
            label="State"
            value={filters.state}
            errors={errors}
            options={[
              { value: "", label: "Any state" },
              ...LISTED_STATES.map((s) => ({ value: s, label: STATE_WORDS[s] })),
            ]}
          />
          <TextField
            name="email"
            label="Recipient email"
            type="email"
            value={filters.email}
            errors={errors}
            maxLength={320}
          />
          <button type="submit" class="button">
            Filter
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="list-head">
        <h2 id="list-head">Credentials</h2>
        {props.rows.length === 0 ? (
          <p>No credential matches.</p>
        ) : (
          <ConsoleTable
            label="Credentials table"
            caption="Credentials, newest first"
            columns={["Recipient", "Certification", "Issued", "Expires", "State"]}
          >
            {props.rows.map(credentialRow)}
          </ConsoleTable>
        )}
        <nav aria-label="Credential pages" class="console-pager">
          {props.paged ? <a href={credentialsHref(filters)}>Newest credentials</a> : null}
          {props.olderHref ? <a href={props.olderHref}>Older credentials</a> : null}
        </nav>
      </section>
    </ConsoleLayout>
  );
}
