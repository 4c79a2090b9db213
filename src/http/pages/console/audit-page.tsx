import { shownDetails } from "../../../domain/audit-details.js";
import type { AuditView } from "../../../services/audit.js";
import { FormAlert, type FormErrors, TextField } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export type AuditFilters = {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Days, YYYY-MM-DD (UTC), both included. */
  from?: string;
  to?: string;
};

export type AuditPageView = {
  chrome: ConsoleChrome;
  filters: AuditFilters;
  entries: AuditView[];
  /** The link to the next (older) page, or null at the end. */
  olderHref: string | null;
  /** Whether this page is not the first (a link back to the newest). */
  paged: boolean;
  errors: FormErrors;
};

/** The details of an entry as short `key: value` text (JSON values inert: rendered as text, never markup). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(shownDetails(details))
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

/** The audit log, newest first, filtered by actor, action and target; older entries page by page. */
export function AuditPage(props: AuditPageView) {
  const { chrome, filters, errors } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Audit log" current="audit">
      <h1>Audit log</h1>
      <section class="panel" aria-labelledby="filter-head">
        <h2 id="filter-head">Filter</h2>
        <FormAlert message={Object.keys(errors).length ? "The filter is not valid: see below." : undefined} />
        <form method="get" action="/console/audit" class="inline-form">
          <TextField
            name="actor"
            label="Actor"
            hint="e.g. user:… or api-key:…"
            value={filters.actor}
            errors={errors}
            maxLength={200}
          />
          <TextField
            name="action"
            label="Action"
            hint="e.g. credential.revoked"
            value={filters.action}
            errors={errors}
            maxLength={200}
          />
          <TextField
            name="targetType"
            label="Target type"
            hint="e.g. credential, user"
            value={filters.targetType}
            errors={errors}
            maxLength={200}
          />
          <TextField name="targetId" label="Target id" value={filters.targetId} errors={errors} maxLength={200} />
          <TextField name="from" label="From (UTC day)" type="date" value={filters.from} errors={errors} />
          <TextField name="to" label="To (UTC day, included)" type="date" value={filters.to} errors={errors} />
          <button type="submit" class="button">
            Filter
          </button>
        </form>
        {Object.keys(errors).length ? null : (
          <p>
            <a href={exportHref(filters)} download>
              Export these entries as CSV
            </a>
          </p>
        )}
      </section>
      <section class="panel" aria-labelledby="entries-head">
        <h2 id="entries-head">Entries</h2>
        {props.entries.length === 0 ? (
          <p>No entry matches.</p>
        ) : (
          <ConsoleTable
            label="Audit entries table"
            caption="Audit entries, newest first"
            columns={["When (UTC)", "Actor", "Action", "Target", "Details"]}
          >
            {props.entries.map((entry) => (
              <tr>
                <td>{entry.at.replace("T", " ").slice(0, 19)}</td>
                <td>
                  <code>{entry.actor}</code>
                </td>
                <td>{entry.action}</td>
                <td>
                  {entry.target.type} <code>{entry.target.id}</code>
                </td>
                <td class="console-details">{detailsText(entry.details)}</td>
              </tr>
            ))}
          </ConsoleTable>
        )}
        <nav aria-label="Audit pages" class="console-pager">
          {props.paged ? <a href={newestHref(filters)}>Newest entries</a> : null}
          {props.olderHref ? <a href={props.olderHref}>Older entries</a> : null}
        </nav>
      </section>
    </ConsoleLayout>
  );
}

/** The audit page's address for these filters (and an older page, `before`). */
export function auditHref(filters: AuditFilters, before?: number): string {
  return consoleHref("/console/audit", { ...filters, before });
}

/** The CSV export of every entry these filters select. */
export function exportHref(filters: AuditFilters): string {
  return auditHref(filters).replace("/console/audit", "/console/audit/export.csv");
}

function newestHref(filters: AuditFilters): string {
  return auditHref(filters);
}
