import type { EventView } from "../../../services/events.js";
import { FormAlert, type FormErrors, SelectField } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export type EventFilters = { type?: string };

export type EventsPageView = {
  chrome: ConsoleChrome;
  filters: EventFilters;
  types: readonly string[];
  events: EventView[];
  olderHref: string | null;
  paged: boolean;
  errors: FormErrors;
};

/** The events page's address for this filter (and an older page, `before`). */
export function eventsHref(filters: EventFilters, before?: number): string {
  return consoleHref("/console/events", { type: filters.type, before });
}

const SHOWN_APART = new Set(["credentialId", "achievementId", "achievementName", "recipient"]);

/** What an event says beyond its credential, as short inert text. */
function detailsText(payload: Record<string, unknown>): string {
  return Object.entries(payload)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

function recipientOf(payload: Record<string, unknown>): string {
  const recipient = payload.recipient as { name?: unknown; email?: unknown } | undefined;
  return recipient && typeof recipient.name === "string" ? recipient.name : "";
}

/** The events outbox (what GET /admin/events lists), newest first, filtered by type, older pages by keyset. */
export function EventsPage(props: EventsPageView) {
  const { chrome, filters, errors } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Events" current="events">
      <h1>Events outbox</h1>
      <p class="muted">
        Every event, newest first: what the API lists at <code>GET /admin/events</code> and the webhooks and e-mails
        deliver.
      </p>
      <section class="panel" aria-labelledby="filter-head">
        <h2 id="filter-head">Filter</h2>
        <FormAlert message={Object.keys(errors).length ? "The filter is not valid: see below." : undefined} />
        <form method="get" action="/console/events" class="inline-form">
          <SelectField
            name="type"
            label="Type"
            value={filters.type}
            errors={errors}
            options={[{ value: "", label: "Every type" }, ...props.types.map((type) => ({ value: type, label: type }))]}
          />
          <button type="submit" class="button">
            Filter
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="events-head">
        <h2 id="events-head">Events</h2>
        {props.events.length === 0 ? (
          <p>No event matches.</p>
        ) : (
          <ConsoleTable
            label="Events table"
            caption="Events, newest first"
            columns={["#", "When (UTC)", "Type", "Credential", "Details"]}
          >
            {props.events.map((event) => (
              <tr>
                <td class="console-number">{event.seq}</td>
                <td>{event.occurredAt.replace("T", " ").slice(0, 19)}</td>
                <td>{event.type}</td>
                <td>
                  {event.credentialId ? (
                    <>
                      <a href={`/console/credentials/${event.credentialId}`}>
                        {typeof event.payload.achievementName === "string"
                          ? event.payload.achievementName
                          : event.credentialId}
                      </a>
                      <br />
                      {recipientOf(event.payload)}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td class="console-details">{detailsText(event.payload)}</td>
              </tr>
            ))}
          </ConsoleTable>
        )}
        <nav aria-label="Event pages" class="console-pager">
          {props.paged ? <a href={eventsHref(filters)}>Newest events</a> : null}
          {props.olderHref ? <a href={props.olderHref}>Older events</a> : null}
        </nav>
      </section>
    </ConsoleLayout>
  );
}
