import type { CredentialLifecycle } from "../../../services/credential-lifecycle.js";
import { humanDay, parseInstant } from "../dates.js";

const EVENT_WORDS: Record<string, string> = {
  issued: "Issued",
  issue: "Issued",
  reissued: "Reissued",
  revoked: "Revoked",
  revoke: "Revoked",
  suspended: "Suspended",
  suspend: "Suspended",
  reinstated: "Reinstated",
  reinstate: "Reinstated",
  unsuspended: "Reinstated",
  superseded: "Replaced by a newer credential",
  supersede: "Replaced by a newer credential",
  renewed: "Renewed",
};

/** "credential.issued" / "issued" / "status-changed" → words a visitor reads. */
function eventWords(event: string): string {
  const key = event.replace(/^credential\./, "");
  const known = EVENT_WORDS[key];
  if (known) {
    return known;
  }
  const words = key.replace(/[._-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Replacement links (reissue, recertification) shown near the top of the page. */
export function ReplacementNotice(props: { lifecycle: CredentialLifecycle }) {
  const { supersededBy, supersedes } = props.lifecycle;
  if (!supersededBy && !supersedes) {
    return null;
  }
  return (
    <div class="notice">
      {supersededBy ? (
        <p>
          <strong>Replaced by a newer credential.</strong>{" "}
          <a href={`/credentials/${encodeURIComponent(supersededBy)}`} data-superseded-by={supersededBy}>
            See the current credential
          </a>
        </p>
      ) : null}
      {supersedes ? (
        <p>
          This credential replaces an <a href={`/credentials/${encodeURIComponent(supersedes)}`}>earlier one</a>.
        </p>
      ) : null}
    </div>
  );
}

const LINKED_DETAIL = /^(replaced by|replaces) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A history detail; "replaced by <id>" / "replaces <id>" become links to those credentials. */
function Detail(props: { text: string }) {
  const linked = LINKED_DETAIL.exec(props.text);
  if (!linked) {
    return <span class="history__detail">{props.text}</span>;
  }
  const [, words, id] = linked;
  return (
    <span class="history__detail">
      {words === "replaces" ? "Replaces " : "By "}
      <a href={`/credentials/${id}`}>{words === "replaces" ? "an earlier credential" : "the current credential"}</a>
    </span>
  );
}

/** The credential's public history, oldest first. */
export function HistoryPanel(props: { lifecycle: CredentialLifecycle }) {
  const events = props.lifecycle.history;
  if (events.length === 0) {
    return null;
  }
  return (
    <section class="panel" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <ol class="history">
        {events.map((e) => {
          const at = parseInstant(e.at);
          return (
            <li>
              {at ? <time datetime={at.toISOString()}>{humanDay(at)}</time> : null}
              <span class="history__event">{eventWords(e.event)}</span>
              {e.detail ? <Detail text={e.detail} /> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
