import type { EvidenceLine, PersonOverview, PersonProgress } from "../../../services/people.js";
import { dayOf } from "./credentials-page.js";
import { consoleTableMarkup, escapeText, formAlertMarkup } from "./markup.js";
import { CREDENTIAL_STATES, KIND_WORDS, resultWords, STATUS_WORDS } from "./person-page.js";

/**
 * A person's page (PersonContent in person-page.tsx) built as one string: rendered as JSX elements, the page of a
 * person with 200 records (twenty certifications' progress, fifty evidence rows, fifty history rows) cost more than
 * everything else its first view does, and hono's many small strings then cost as much again to flatten into bytes.
 * personContentMarkup gives exactly PersonContent's markup (test/unit/person-markup.test.ts holds them equal), with
 * the same escaping (hono's: & < > " ').
 */
export function personContentMarkup(props: PersonContentProps): string {
  let markup = "";
  writePersonContent(props, {
    add: (text) => {
      markup += text;
    },
  });
  return markup;
}

/**
 * The UTF-8 bytes of personContentMarkup, written a part at a time (a progress line, an item's head, a section) into
 * one buffer as the parts are made: built as one string, the page of a person with 200 records was a rope of several
 * thousand strings (their words' curly quotes made it two bytes a character), flattened whole and then encoded, every
 * part of it kept alive until the end. The same parts in the same order as personContentMarkup's (held equal by
 * test/unit/person-markup.test.ts); each part begins and ends with markup (ASCII), so no character is split.
 */
export function personContentBytes(props: PersonContentProps): Uint8Array {
  const writer = new PartsWriter();
  writePersonContent(props, writer);
  return writer.bytes();
}

type PersonContentProps = {
  person: PersonOverview;
  canRecord: boolean;
  paged: boolean;
  auditLink: boolean;
  error?: string;
};

/** Where the page's parts go, in order. */
type Parts = { add(text: string): void };

/** Written into first, then copied out at the page's exact size (kept, and sent from the copy). */
let scratch = Buffer.allocUnsafeSlow(1 << 17);
/** A page larger than this (at 3 bytes per UTF-16 unit) gets a buffer of its own, not kept as the scratch. */
const SCRATCH_KEPT = 1 << 20;

/** Parts written as UTF-8 one after the other into the scratch buffer, within one synchronous call. */
class PartsWriter implements Parts {
  private buffer = scratch;
  private at = 0;

  add(text: string): void {
    // a UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them, 4)
    const need = this.at + text.length * 3;
    if (need > this.buffer.length) {
      const larger = Buffer.allocUnsafeSlow(Math.max(need, this.buffer.length * 2));
      this.buffer.copy(larger, 0, 0, this.at);
      this.buffer = larger;
      if (larger.length <= SCRATCH_KEPT) {
        scratch = larger;
      }
    }
    this.at += this.buffer.write(text, this.at);
  }

  bytes(): Uint8Array {
    const page = Buffer.allocUnsafeSlow(this.at);
    this.buffer.copy(page, 0, 0, this.at);
    return page;
  }
}

function writePersonContent(props: PersonContentProps, out: Parts): void {
  const { person } = props;
  const ref = escapeText(encodeURIComponent(person.ref));
  let startedCount = 0;
  for (const p of person.progress) {
    if (p.started) {
      startedCount++;
    }
  }
  const notStartedCount = person.progress.length - startedCount;
  let markup = `<p><a href="/console/people">People</a></p><h1>${escapeText(person.name)}</h1><p>${escapeText(person.email)}</p>`;
  if (props.canRecord) {
    markup += `<p><a class="button" href="/console/evidence/new?person=${ref}">Record evidence for this person</a></p>`;
  }
  markup += `${formAlertMarkup(props.error)}<section class="panel" aria-labelledby="progress-head"><h2 id="progress-head">Progress</h2><p class="muted">Where they stand on each certification, from the evidence recorded for them.</p>`;
  if (startedCount === 0) {
    out.add(`${markup}<p>Nothing recorded for them counts towards a certification yet.</p>`);
  } else {
    out.add(`${markup}<ul class="earner-list">`);
    for (const p of person.progress) {
      if (p.started) {
        progressItem(p, out);
      }
    }
    out.add("</ul>");
  }
  if (notStartedCount > 0) {
    out.add(
      `<details class="console-not-started"><summary>Not started (${notStartedCount})</summary><ul class="earner-list">`,
    );
    for (const p of person.progress) {
      if (!p.started) {
        progressItem(p, out);
      }
    }
    out.add("</ul></details>");
  }
  markup = "</section>";
  if (person.credentials) {
    markup += `<section class="panel console-held" aria-labelledby="credentials-head"><h2 id="credentials-head">Credentials</h2>${
      person.credentials.length === 0
        ? "<p>No credential.</p>"
        : consoleTableMarkup({
            label: "Credentials table",
            caption: "Their credentials, newest first",
            columns: ["Certification", "Issued", "Expires", "State"],
            rows: credentialRows(person.credentials),
          })
    }</section>`;
  }
  out.add(markup);
  const evidence = person.evidence;
  if (evidence) {
    const here = `/console/people/${ref}`;
    out.add(
      `<section class="panel console-evidence" aria-labelledby="evidence-head"><h2 id="evidence-head">Evidence</h2><p class="muted">${
        evidence.total === 1 ? "1 record" : `${evidence.total} records`
      }, newest first; a correction replaces the record it corrects.</p>${
        evidence.lines.length === 0
          ? "<p>No evidence.</p>"
          : consoleTableMarkup({
              label: "Evidence table",
              caption: "Their evidence, newest first",
              columns: ["When (UTC)", "What", "Result", "Recorded by", "Correction"],
              rows: evidenceRows(evidence.lines),
            })
      }<nav aria-label="Evidence pages" class="console-pager">${
        props.paged ? `<a href="${here}#evidence-head">Newest evidence</a>` : ""
      }${
        evidence.olderCursor
          ? `<a href="${here}?evidence=${escapeText(encodeURIComponent(evidence.olderCursor))}#evidence-head">Older evidence</a>`
          : ""
      }</nav></section>`,
    );
  }
  out.add(
    `<section class="panel console-history" aria-labelledby="history-head"><h2 id="history-head">History</h2><p class="muted">The newest audit entries about their credentials, evidence and awards${
      props.auditLink ? ' (the <a href="/console/audit">audit log</a> has every entry)' : ""
    }.</p>${
      person.history.length === 0
        ? "<p>No entry.</p>"
        : consoleTableMarkup({
            label: "History table",
            caption: "Audit entries about them, newest first",
            columns: ["When (UTC)", "Action", "Actor", "About"],
            rows: historyRows(person.history),
          })
    }</section>`,
  );
}

/** ProgressItem, a part per rule's line. */
function progressItem(p: PersonProgress, out: Parts): void {
  out.add(
    `<li class="earner-item" data-progress="${escapeText(p.certification)}" data-status="${p.status}"><h3>${escapeText(
      p.name,
    )}</h3><p><span class="muted">${escapeText(p.program)} · </span>${STATUS_WORDS[p.status]}</p>${
      p.lines.length === 0
        ? "</li>"
        : `<details${p.status === "in-progress" || p.status === "renewal-due" ? ' open=""' : ""}><summary>The criteria, one by one</summary><ul class="rule">`
    }`,
  );
  if (p.lines.length === 0) {
    return;
  }
  for (const line of p.lines) {
    out.add(
      `<li class="earner-depth-${Math.min(line.depth, 4)}" data-met="${line.met ? "yes" : "no"}"><strong>${
        line.met ? "Met" : "Not met"
      }:</strong> ${escapeText(line.words)}${line.missing ? `<span class="muted"> Missing: ${escapeText(line.missing)}</span>` : ""}${
        line.notes.length ? `<span class="muted"> (${escapeText(line.notes.join("; "))})</span>` : ""
      }</li>`,
    );
  }
  out.add("</ul></details></li>");
}

function credentialRows(credentials: NonNullable<PersonOverview["credentials"]>): string {
  let rows = "";
  for (const c of credentials) {
    rows += `<tr><td><a href="/console/credentials/${escapeText(c.id)}">${escapeText(c.name)}</a></td><td>${dayOf(
      c.validFrom.getTime(),
    )}</td><td>${c.validUntil ? dayOf(c.validUntil.getTime()) : "Never"}</td><td>${CREDENTIAL_STATES[c.state]}</td></tr>`;
  }
  return rows;
}

/** An instant as the page's "YYYY-MM-DD HH:MM" (UTC). */
function minuteOf(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}

function evidenceRows(lines: readonly EvidenceLine[]): string {
  let rows = "";
  for (const line of lines) {
    const id = escapeText(line.id);
    let correction = "";
    if (line.correctedBy) {
      const by = escapeText(line.correctedBy);
      correction += `<span data-corrected-by="${by}">Corrected by <code>${by}</code>: it no longer counts</span>`;
    }
    if (line.supersedes) {
      const corrects = escapeText(line.supersedes);
      correction += `<span data-corrects="${corrects}">${line.correctedBy ? "<br/>" : ""}Corrects <code>${corrects}</code></span>`;
    }
    rows += `<tr data-evidence="${id}"${line.correctedBy ? ' class="console-superseded"' : ""}><td>${dayOf(
      line.occurredAt.getTime(),
    )}</td><td>${KIND_WORDS[line.kind]} <code>${escapeText(line.item)}</code></td><td>${escapeText(
      resultWords(line),
    )}</td><td><code>${escapeText(line.submittedBy)}</code><br/><span class="muted">${minuteOf(
      line.submittedAt.toISOString(),
    )}</span></td><td>${correction}</td></tr>`;
  }
  return rows;
}

function historyRows(history: PersonOverview["history"]): string {
  let rows = "";
  for (const entry of history) {
    const { type, id } = entry.target;
    const about =
      type === "credential"
        ? `<a href="/console/credentials/${escapeText(id)}">credential</a>`
        : `${type === "evidence" ? "evidence" : escapeText(type)} <code>${escapeText(id)}</code>`;
    rows += `<tr><td>${escapeText(minuteOf(entry.at))}</td><td>${escapeText(entry.action)}</td><td><code>${escapeText(
      entry.actor,
    )}</code></td><td>${about}</td></tr>`;
  }
  return rows;
}
