import type { CatalogEntry } from "../../../domain/catalog/parse-catalog.js";
import type { CatalogReloadResult } from "../../../services/catalog-reload.js";
import { assessmentNamer, dependentIds, prerequisiteIds, validityWords } from "../catalog-words.js";
import { markdownHtml } from "../components/raw-html.js";
import { RuleWords } from "../rule-words.js";
import { Flash, FormAlert, type FormErrors, PostForm, SelectField, TextField } from "./form.js";
import { consoleHref } from "./href.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export type CatalogFilters = { q?: string; program?: string };

/** The reload form's outcome: what it applied, or the problems (by file) that stopped it. */
export type ReloadOutcome = { applied: CatalogReloadResult } | { problems: { file: string; message: string }[] };

export type CatalogView = {
  chrome: ConsoleChrome;
  filters: CatalogFilters;
  programs: readonly string[];
  rows: CatalogEntry[];
  /** Every entry (variants of a file, names). */
  total: number;
  nextHref: string | null;
  paged: boolean;
  canReload: boolean;
  reload?: ReloadOutcome;
  errors: FormErrors;
};

/** The catalog list's address for these filters (and the page after `after`). */
export function catalogHref(filters: CatalogFilters, after?: string): string {
  return consoleHref("/console/catalog", { ...filters, after });
}

/** A definition file by its name under templates/achievements (not the server's folder). */
function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

function ids(list: string[]): string {
  return list.length ? list.join(", ") : "none";
}

function ReloadPanel(props: { csrf: string; outcome?: ReloadOutcome }) {
  const outcome = props.outcome;
  return (
    <section class="panel" aria-labelledby="reload-head">
      <h2 id="reload-head">Reload the catalog</h2>
      {outcome && "applied" in outcome ? (
        <Flash
          message={`The catalog has been reloaded on this node (${outcome.applied.node}): ${outcome.applied.count} certifications; added: ${ids(outcome.applied.added)}; changed: ${ids(outcome.applied.changed)}; removed: ${ids(outcome.applied.removed)}.`}
        />
      ) : null}
      {outcome && "problems" in outcome ? (
        <div class="console-alert" role="alert" id="reload-errors">
          <p>The definition files are not valid, so nothing was applied:</p>
          <ul class="console-errors">
            {outcome.problems.map((problem) => (
              <li>
                <strong>{problem.file}</strong>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        Reads the definition files in <code>templates/achievements/</code> again, checks them as a start does, and
        applies them without a restart; any problem stops the reload and nothing changes. It applies to the node that
        serves this page: with several nodes, deploy the files to every node and reload each (here, or with{" "}
        <code>POST /admin/catalog/reload</code> on each node's own address) or restart it.
      </p>
      <PostForm action="/console/catalog/reload" csrf={props.csrf} label="Reload the catalog">
        <button type="submit" class="button">
          Reload catalog
        </button>
      </PostForm>
    </section>
  );
}

/** The certifications of the catalog: filter by words and program, page by id, reload (catalog:reload). */
export function ConsoleCatalogPage(props: CatalogView) {
  const { chrome, filters, errors } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Catalog" current="catalog">
      <h1>Catalog</h1>
      {props.canReload ? <ReloadPanel csrf={chrome.csrf} outcome={props.reload} /> : null}
      <section class="panel" aria-labelledby="filter-head">
        <h2 id="filter-head">Find a certification</h2>
        <FormAlert message={Object.keys(errors).length ? "The filter is not valid: see below." : undefined} />
        <form method="get" action="/console/catalog" class="inline-form">
          <TextField name="q" label="Name or id contains" value={filters.q} errors={errors} maxLength={200} />
          <SelectField
            name="program"
            label="Program"
            value={filters.program}
            errors={errors}
            options={[{ value: "", label: "Every program" }, ...props.programs.map((p) => ({ value: p, label: p }))]}
          />
          <button type="submit" class="button">
            Filter
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="list-head">
        <h2 id="list-head">Certifications</h2>
        <p class="muted">{props.total} in the catalog.</p>
        {props.rows.length === 0 ? (
          <p>No certification matches.</p>
        ) : (
          <ConsoleTable
            label="Certifications table"
            caption="Certifications, by id"
            columns={["Badge", "Certification", "Program", "Validity", "Approval"]}
          >
            {props.rows.map((entry) => (
              <tr>
                <td>
                  <img src={`/achievements/${entry.id}/image.svg`} alt="" width={48} height={48} />
                </td>
                <td>
                  <a href={`/console/catalog/${entry.id}`}>{entry.name}</a>
                  <br />
                  <code>{entry.id}</code>
                </td>
                <td>{entry.program}</td>
                <td>{entry.validity ? (entry.validity.renewal ? "Renewal windows" : "Expires") : "Does not expire"}</td>
                <td>{entry.criteria.requiresApproval ? "Needs approval" : "Automatic"}</td>
              </tr>
            ))}
          </ConsoleTable>
        )}
        <nav aria-label="Catalog pages" class="console-pager">
          {props.paged ? <a href={catalogHref(filters)}>First page</a> : null}
          {props.nextHref ? <a href={props.nextHref}>Next certifications</a> : null}
        </nav>
      </section>
    </ConsoleLayout>
  );
}

/** One certification: artwork, the criteria tree in plain words, validity and renewal policy, its variants. */
export function ConsoleCertificationPage(props: {
  chrome: ConsoleChrome;
  entry: CatalogEntry;
  entries: CatalogEntry[];
}) {
  const { entry, entries } = props;
  const names = new Map(entries.map((e) => [e.id, e.name]));
  const variants = entries.filter((e) => e.sourceFile === entry.sourceFile);
  const requires = prerequisiteIds(entry);
  const leadsTo = dependentIds(entries, entry.id);
  const renewal = entry.validity?.renewal;
  return (
    <ConsoleLayout chrome={props.chrome} title={entry.name} current="catalog">
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <ol>
          <li>
            <a href="/console/catalog">Catalog</a>
          </li>
          <li>{entry.program}</li>
        </ol>
      </nav>
      <div class="catalog-entry__head">
        <img
          src={`/achievements/${entry.id}/image.svg`}
          alt={entry.image.caption ?? `Badge: ${entry.name}`}
          width={96}
          height={96}
        />
        <div>
          <h1>{entry.name}</h1>
          <p>{entry.description}</p>
        </div>
      </div>
      <section class="panel" aria-labelledby="facts-head">
        <h2 id="facts-head">Definition</h2>
        <dl class="facts">
          <div class="facts__item">
            <dt>Id</dt>
            <dd>
              <code>{entry.id}</code>
            </dd>
          </div>
          <div class="facts__item">
            <dt>Program</dt>
            <dd>{entry.program}</dd>
          </div>
          <div class="facts__item">
            <dt>Level</dt>
            <dd>{entry.level}</dd>
          </div>
          <div class="facts__item">
            <dt>Version</dt>
            <dd>
              <code>{entry.version}</code>
            </dd>
          </div>
          <div class="facts__item">
            <dt>Definition file</dt>
            <dd>
              <code>{fileName(entry.sourceFile)}</code>
            </dd>
          </div>
          <div class="facts__item">
            <dt>Award</dt>
            <dd>{entry.criteria.requiresApproval ? "Queued for approval when the criteria are met" : "Automatic"}</dd>
          </div>
          <div class="facts__item">
            <dt>Suspendable</dt>
            <dd>{entry.suspendable ? "Yes" : "No"}</dd>
          </div>
        </dl>
        <p>
          <a href={`/achievements/${entry.id}`}>Public page</a>
        </p>
      </section>
      <section class="panel" aria-labelledby="validity-head">
        <h2 id="validity-head">Validity and renewal</h2>
        <p>{validityWords(entry)}</p>
        {renewal ? (
          <p class="muted">
            Renewal windows: fiscal {renewal.fiscalQuarters.map((q) => `Q${q}`).join(", ")}, {renewal.windowDays} days
            each.
          </p>
        ) : null}
      </section>
      <section class="panel" aria-labelledby="criteria-head">
        <h2 id="criteria-head">Criteria</h2>
        <div class="prose">{markdownHtml(entry.criteria.narrative)}</div>
        {entry.criteria.rule ? (
          <>
            <h3>As they are checked</h3>
            <RuleWords
              rule={entry.criteria.rule}
              names={{ certification: (id) => names.get(id), assessment: assessmentNamer(entries, entry) }}
            />
          </>
        ) : (
          <p class="muted">No machine-checked rule: credentials are issued by hand.</p>
        )}
        {requires.length > 0 ? <p>Requires: {requires.map((id) => names.get(id) ?? id).join(", ")}.</p> : null}
        {leadsTo.length > 0 ? <p>Counts toward: {leadsTo.map((id) => names.get(id) ?? id).join(", ")}.</p> : null}
      </section>
      <section class="panel" aria-labelledby="variants-head">
        <h2 id="variants-head">Variants</h2>
        {variants.length <= 1 ? (
          <p>This certification has no variants: its file defines it alone.</p>
        ) : (
          <>
            <p>
              {variants.length} certifications come from <code>{fileName(entry.sourceFile)}</code>, one per variant:
            </p>
            <ul>
              {variants.map((v) =>
                v.id === entry.id ? (
                  <li>
                    <strong>{v.name}</strong> (this one)
                  </li>
                ) : (
                  <li>
                    <a href={`/console/catalog/${v.id}`}>{v.name}</a>
                  </li>
                ),
              )}
            </ul>
          </>
        )}
      </section>
    </ConsoleLayout>
  );
}
