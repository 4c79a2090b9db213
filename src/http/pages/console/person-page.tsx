import type { EvidenceLine, PersonOverview, PersonProgress } from "../../../services/people.js";
import type { ProgressStatus } from "../../../services/progress.js";
import { FormAlert } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export type PersonView = {
  chrome: ConsoleChrome;
  person: PersonOverview;
  /** Whether the reader may record evidence (for some program): the link to the evidence form. */
  canRecord: boolean;
  /** Whether the evidence list is a later page. */
  paged: boolean;
  /** A refused page link (the evidence cursor). */
  error?: string;
};

export const STATUS_WORDS: Record<ProgressStatus, string> = {
  held: "Holds it.",
  "renewal-due": "Renewal due: the renewal window is open; the criteria must be met again to renew it.",
  "pending-approval": "Meets the criteria: the award is waiting for approval.",
  eligible: "Meets the criteria: it is being awarded.",
  "in-progress": "Not met yet: what is missing is listed below.",
  "not-automated": "Awarded by the issuer directly: no criteria are tracked.",
};

export const CREDENTIAL_STATES = { active: "Active", revoked: "Revoked", suspended: "Suspended", expired: "Expired" };

export const KIND_WORDS: Record<EvidenceLine["kind"], string> = {
  assessment: "Assessment",
  completion: "Completion",
  rating: "Rating form",
  closure: "Delivery closed",
};

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function minute(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}

/** What a record says, in a few words (score, pass or fail, kind of completion, ratings). */
export function resultWords(line: EvidenceLine): string {
  const d = line.data;
  const parts: string[] = [];
  if (line.kind === "assessment") {
    if (typeof d.score === "number") {
      parts.push(`score ${d.score} %`);
    }
    if (typeof d.passed === "boolean") {
      parts.push(d.passed ? "passed" : "failed");
    }
  } else if (line.kind === "completion") {
    if (typeof d.completion === "string") {
      parts.push(d.completion.replaceAll("-", " "));
    }
    if (typeof d.mode === "string") {
      parts.push(d.mode);
    }
  } else if (line.kind === "rating") {
    const ratings = Array.isArray(d.ratings) ? d.ratings.filter((r): r is number => typeof r === "number") : [];
    if (ratings.length > 0) {
      const average = ratings.reduce((a, b) => a + b, 0) / ratings.length;
      parts.push(`average ${Number(average.toFixed(2))}${typeof d.scale === "number" ? ` of ${d.scale}` : ""}`);
    }
    if (typeof d.delivery === "string") {
      parts.push(`delivery ${d.delivery}`);
    }
  } else if (typeof d.delivery === "string") {
    parts.push(`delivery ${d.delivery}`);
  }
  if (typeof d.graderRole === "string") {
    parts.push(`graded as ${d.graderRole}`);
  }
  return parts.join(", ") || "recorded";
}

function ProgressItem(props: { p: PersonProgress }) {
  const { p } = props;
  return (
    <li class="earner-item" data-progress={p.certification} data-status={p.status}>
      <h3>{p.name}</h3>
      <p>
        <span class="muted">{p.program} · </span>
        {STATUS_WORDS[p.status]}
      </p>
      {p.lines.length ? (
        <details open={p.status === "in-progress" || p.status === "renewal-due"}>
          <summary>The criteria, one by one</summary>
          <ul class="rule">
            {p.lines.map((line) => (
              <li class={`earner-depth-${Math.min(line.depth, 4)}`} data-met={line.met ? "yes" : "no"}>
                <strong>{line.met ? "Met" : "Not met"}:</strong> {line.words}
                {line.missing ? <span class="muted"> Missing: {line.missing}</span> : null}
                {line.notes.length ? <span class="muted"> ({line.notes.join("; ")})</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}

/** One person: progress on every certification the reader may read, credentials, evidence (paged), history. */
export function PersonPage(props: PersonView) {
  return (
    <ConsoleLayout chrome={props.chrome} title={props.person.name} current="people">
      <PersonContent {...props} auditLink={props.chrome.sections.includes("audit")} />
    </ConsoleLayout>
  );
}

/**
 * The page inside the layout. It shows nothing of the reader but what `auditLink` (whether they may open the audit
 * log), `canRecord` and their programs (the person's overview) decide: what personPage keeps it by.
 */
export function PersonContent(props: Omit<PersonView, "chrome"> & { auditLink: boolean }) {
  const { person } = props;
  const started = person.progress.filter((p) => p.started);
  const notStarted = person.progress.filter((p) => !p.started);
  const evidence = person.evidence;
  const here = `/console/people/${encodeURIComponent(person.ref)}`;
  return (
    <>
      <p>
        <a href="/console/people">People</a>
      </p>
      <h1>{person.name}</h1>
      <p>{person.email}</p>
      {props.canRecord ? (
        <p>
          <a class="button" href={`/console/evidence/new?person=${encodeURIComponent(person.ref)}`}>
            Record evidence for this person
          </a>
        </p>
      ) : null}
      <FormAlert message={props.error} />
      <section class="panel" aria-labelledby="progress-head">
        <h2 id="progress-head">Progress</h2>
        <p class="muted">Where they stand on each certification, from the evidence recorded for them.</p>
        {started.length ? (
          <ul class="earner-list">
            {started.map((p) => (
              <ProgressItem p={p} />
            ))}
          </ul>
        ) : (
          <p>Nothing recorded for them counts towards a certification yet.</p>
        )}
        {notStarted.length ? (
          <details class="console-not-started">
            <summary>Not started ({notStarted.length})</summary>
            <ul class="earner-list">
              {notStarted.map((p) => (
                <ProgressItem p={p} />
              ))}
            </ul>
          </details>
        ) : null}
      </section>
      {person.credentials ? (
        <section class="panel console-held" aria-labelledby="credentials-head">
          <h2 id="credentials-head">Credentials</h2>
          {person.credentials.length === 0 ? (
            <p>No credential.</p>
          ) : (
            <ConsoleTable
              label="Credentials table"
              caption="Their credentials, newest first"
              columns={["Certification", "Issued", "Expires", "State"]}
            >
              {person.credentials.map((c) => (
                <tr>
                  <td>
                    <a href={`/console/credentials/${c.id}`}>{c.name}</a>
                  </td>
                  <td>{day(c.validFrom)}</td>
                  <td>{c.validUntil ? day(c.validUntil) : "Never"}</td>
                  <td>{CREDENTIAL_STATES[c.state]}</td>
                </tr>
              ))}
            </ConsoleTable>
          )}
        </section>
      ) : null}
      {evidence ? (
        <section class="panel console-evidence" aria-labelledby="evidence-head">
          <h2 id="evidence-head">Evidence</h2>
          <p class="muted">
            {evidence.total === 1 ? "1 record" : `${evidence.total} records`}, newest first; a correction replaces the
            record it corrects.
          </p>
          {evidence.lines.length === 0 ? (
            <p>No evidence.</p>
          ) : (
            <ConsoleTable
              label="Evidence table"
              caption="Their evidence, newest first"
              columns={["When (UTC)", "What", "Result", "Recorded by", "Correction"]}
            >
              {evidence.lines.map((line) => (
                <tr data-evidence={line.id} class={line.correctedBy ? "console-superseded" : undefined}>
                  <td>{day(line.occurredAt)}</td>
                  <td>
                    {KIND_WORDS[line.kind]} <code>{line.item}</code>
                  </td>
                  <td>{resultWords(line)}</td>
                  <td>
                    <code>{line.submittedBy}</code>
                    <br />
                    <span class="muted">{minute(line.submittedAt.toISOString())}</span>
                  </td>
                  <td>
                    {line.correctedBy ? (
                      <span data-corrected-by={line.correctedBy}>
                        Corrected by <code>{line.correctedBy}</code>: it no longer counts
                      </span>
                    ) : null}
                    {line.supersedes ? (
                      <span data-corrects={line.supersedes}>
                        {line.correctedBy ? <br /> : null}
                        Corrects <code>{line.supersedes}</code>
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </ConsoleTable>
          )}
          <nav aria-label="Evidence pages" class="console-pager">
            {props.paged ? <a href={`${here}#evidence-head`}>Newest evidence</a> : null}
            {evidence.olderCursor ? (
              <a href={`${here}?evidence=${encodeURIComponent(evidence.olderCursor)}#evidence-head`}>Older evidence</a>
            ) : null}
          </nav>
        </section>
      ) : null}
      <section class="panel console-history" aria-labelledby="history-head">
        <h2 id="history-head">History</h2>
        <p class="muted">
          The newest audit entries about their credentials, evidence and awards
          {props.auditLink ? (
            <>
              {" "}
              (the <a href="/console/audit">audit log</a> has every entry)
            </>
          ) : null}
          .
        </p>
        {person.history.length === 0 ? (
          <p>No entry.</p>
        ) : (
          <ConsoleTable
            label="History table"
            caption="Audit entries about them, newest first"
            columns={["When (UTC)", "Action", "Actor", "About"]}
          >
            {person.history.map((entry) => (
              <tr>
                <td>{minute(entry.at)}</td>
                <td>{entry.action}</td>
                <td>
                  <code>{entry.actor}</code>
                </td>
                <td>
                  {entry.target.type === "credential" ? (
                    <a href={`/console/credentials/${entry.target.id}`}>credential</a>
                  ) : entry.target.type === "evidence" ? (
                    <>
                      evidence <code>{entry.target.id}</code>
                    </>
                  ) : (
                    <>
                      {entry.target.type} <code>{entry.target.id}</code>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </ConsoleTable>
        )}
      </section>
    </>
  );
}
