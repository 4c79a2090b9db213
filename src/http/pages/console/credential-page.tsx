import type { AuditView } from "../../../services/audit.js";
import type { CredentialView } from "../../../services/credential-view.js";
import type { MessageView } from "../../../services/delivery-views.js";
import { describedBy, Field, Flash, FormAlert, type FormErrors, PostForm } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

/** The lifecycle actions of the detail page, each its own form. */
export type LifecycleAction = "revoke" | "suspend" | "reinstate" | "reissue";

export type LifecycleForm = { reason?: string; reasonPublic?: boolean; name?: string; email?: string };

export type CredentialPageView = {
  chrome: ConsoleChrome;
  credential: CredentialView;
  /** The catalog program of its certification (null: no longer in the catalog). */
  program: string | null;
  /** Whether it is expired now (neither revoked nor suspended, past its expiry). */
  expired: boolean;
  /** Its audit entries (issued, revoked, suspended, reinstated, superseded…), newest first. */
  history: AuditView[];
  deliveries: MessageView[];
  /** Whether this account may change its status (credentials:status for its program). */
  canChange: boolean;
  flash?: string;
  /** The form that was refused, with what was typed and the errors next to its fields. */
  refused?: { action: LifecycleAction; form: LifecycleForm; errors: FormErrors };
};

const ACTION_WORDS: Record<LifecycleAction, { title: string; button: string; hint: string }> = {
  revoke: {
    title: "Revoke",
    button: "Revoke credential",
    hint: "Final: the credential stops verifying for good.",
  },
  suspend: {
    title: "Suspend",
    button: "Suspend credential",
    hint: "It stops verifying until it is reinstated.",
  },
  reinstate: { title: "Reinstate", button: "Reinstate credential", hint: "It verifies as valid again." },
  reissue: {
    title: "Reissue with corrected details",
    button: "Reissue credential",
    hint: "A new credential with the corrected name or email replaces this one (revoked as superseded).",
  },
};

function when(iso: string): string {
  return `${iso.replace("T", " ").slice(0, 16)} UTC`;
}

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

/** A labelled control with an id unique on the page (each action's form has its own). */
function ActionText(props: {
  action: LifecycleAction;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  errors: FormErrors;
  multiline?: boolean;
  type?: "text" | "email";
  required?: boolean;
  maxLength: number;
}) {
  const id = `field-${props.action}-${props.name}`;
  const error = props.errors[props.name];
  const common = {
    id,
    name: props.name,
    required: props.required,
    maxlength: props.maxLength,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": describedBy(id, Boolean(props.hint), error),
  };
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error}>
      {props.multiline ? (
        <textarea {...common} rows={3}>
          {props.value ?? ""}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? "text"} value={props.value ?? ""} autocomplete="off" />
      )}
    </Field>
  );
}

function ActionForm(props: {
  action: LifecycleAction;
  credentialId: string;
  csrf: string;
  refused?: CredentialPageView["refused"];
}) {
  const { action } = props;
  const words = ACTION_WORDS[action];
  const mine = props.refused?.action === action ? props.refused : undefined;
  const errors = mine?.errors ?? {};
  const form = mine?.form ?? {};
  const headId = `${action}-head`;
  return (
    <section class="panel" aria-labelledby={headId}>
      <h2 id={headId}>{words.title}</h2>
      <p class="muted">{words.hint}</p>
      <FormAlert message={mine ? `Nothing was changed: see below.` : undefined} />
      <PostForm action={`/console/credentials/${props.credentialId}/${action}`} csrf={props.csrf} class="stack-form">
        {action === "reissue" ? (
          <>
            <ActionText
              action={action}
              name="name"
              label="Corrected name (optional)"
              value={form.name}
              errors={errors}
              maxLength={200}
            />
            <ActionText
              action={action}
              name="email"
              label="Corrected email (optional)"
              type="email"
              value={form.email}
              errors={errors}
              maxLength={320}
            />
          </>
        ) : null}
        <ActionText
          action={action}
          name="reason"
          label="Reason"
          hint="Why (kept in the audit log)."
          value={form.reason}
          errors={errors}
          multiline
          required
          maxLength={500}
        />
        {action === "revoke" || action === "suspend" ? (
          <label class="console-check">
            <input type="checkbox" name="reasonPublic" value="1" checked={form.reasonPublic === true} /> Show the reason
            on the credential's public page
          </label>
        ) : null}
        <button type="submit" class="button">
          {words.button}
        </button>
      </PostForm>
    </section>
  );
}

function stateWords(view: CredentialPageView): string {
  const status = view.credential.status;
  if (status.state === "revoked") {
    return status.supersededBy ? "Revoked (superseded)" : "Revoked";
  }
  if (status.state === "suspended") {
    return "Suspended";
  }
  return view.expired ? "Expired" : "Active";
}

/** One credential: what the admin API shows, its status history, its deliveries, and the lifecycle actions. */
export function CredentialPage(props: CredentialPageView) {
  const { chrome, credential } = props;
  const status = credential.status;
  const suspendable = status.entries.some((e) => e.purpose === "suspension");
  const actions: LifecycleAction[] = [];
  if (props.canChange && status.state !== "revoked") {
    if (status.state === "active") {
      actions.push("reissue");
      if (suspendable) {
        actions.push("suspend");
      }
    } else {
      actions.push("reinstate");
    }
    actions.push("revoke");
  }
  const title = `${credential.achievementName} for ${credential.recipient.name}`;
  return (
    <ConsoleLayout chrome={chrome} title={title} current="credentials">
      <p>
        <a href="/console/credentials">← Credentials</a>
      </p>
      <h1>{title}</h1>
      <Flash message={props.flash} />
      {props.refused && !actions.includes(props.refused.action) ? (
        <FormAlert message={`Nothing was changed: ${Object.values(props.refused.errors).join(" ")}`} />
      ) : null}
      <section class="panel" aria-labelledby="facts-head">
        <h2 id="facts-head">Credential</h2>
        <dl class="facts">
          <div class="facts__item">
            <dt>State</dt>
            <dd data-state>{stateWords(props)}</dd>
          </div>
          <div class="facts__item">
            <dt>Recipient</dt>
            <dd>
              {credential.recipient.name} ({credential.recipient.email})
            </dd>
          </div>
          <div class="facts__item">
            <dt>Certification</dt>
            <dd>
              {credential.achievementName}
              {props.program ? <span class="muted"> · {props.program}</span> : null}
            </dd>
          </div>
          <div class="facts__item">
            <dt>Issued</dt>
            <dd>{when(credential.issuedAt)}</dd>
          </div>
          <div class="facts__item">
            <dt>Expires</dt>
            <dd>{credential.validUntil ? when(credential.validUntil) : "Never"}</dd>
          </div>
          <div class="facts__item">
            <dt>Issued by</dt>
            <dd>
              <code>{credential.issuedBy}</code>
            </dd>
          </div>
          <div class="facts__item">
            <dt>Id</dt>
            <dd>
              <code>{credential.id}</code>
            </dd>
          </div>
        </dl>
        <p>
          <a href={credential.links.page}>Public page</a> · <a href={credential.links.shortLink}>Short link</a> ·{" "}
          <a href={credential.links.jwt}>VC-JWT</a>
        </p>
        {status.revocation ? (
          <p>
            Revoked {when(status.revocation.at)}: “{status.revocation.reason}” (
            {status.revocation.reasonPublic ? "shown publicly" : "private"})
          </p>
        ) : null}
        {status.suspension ? (
          <p>
            Suspended {when(status.suspension.at)}: “{status.suspension.reason}” (
            {status.suspension.reasonPublic ? "shown publicly" : "private"})
          </p>
        ) : null}
        {status.supersededBy ? (
          <p>
            Replaced by <a href={`/console/credentials/${status.supersededBy}`}>{status.supersededBy}</a>
          </p>
        ) : null}
        {status.supersedes ? (
          <p>
            Replaces <a href={`/console/credentials/${status.supersedes}`}>{status.supersedes}</a>
          </p>
        ) : null}
      </section>
      {actions.map((action) => (
        <ActionForm action={action} credentialId={credential.id} csrf={chrome.csrf} refused={props.refused} />
      ))}
      <section class="panel" aria-labelledby="history-head">
        <h2 id="history-head">Status history</h2>
        {props.history.length === 0 ? (
          <p>Nothing recorded.</p>
        ) : (
          <ConsoleTable
            label="Status history table"
            caption="Status history, newest first"
            columns={["When (UTC)", "Action", "Actor", "Details"]}
          >
            {props.history.map((entry) => (
              <tr>
                <td>{entry.at.replace("T", " ").slice(0, 19)}</td>
                <td>{entry.action}</td>
                <td>
                  <code>{entry.actor}</code>
                </td>
                <td class="console-details">{detailsText(entry.details)}</td>
              </tr>
            ))}
          </ConsoleTable>
        )}
      </section>
      <section class="panel" aria-labelledby="deliveries-head">
        <h2 id="deliveries-head">Deliveries</h2>
        {props.deliveries.length === 0 ? (
          <p>No e-mail or webhook about this credential.</p>
        ) : (
          <ConsoleTable
            label="Deliveries table"
            caption="E-mails and webhooks about this credential, oldest first"
            columns={["Message", "To", "State", "Attempts"]}
          >
            {props.deliveries.map((message) => (
              <tr>
                <td>
                  {message.channel} · {message.kind}
                </td>
                <td>{message.target}</td>
                <td>
                  {message.state}
                  {message.nextAttemptAt ? <span class="muted"> (next {when(message.nextAttemptAt)})</span> : null}
                </td>
                <td class="console-details">
                  {message.attempts.length === 0
                    ? "none yet"
                    : message.attempts
                        .map((a) => `${when(a.at)} ${a.outcome}${a.code === null ? "" : ` ${a.code}`} ${a.answer}`)
                        .join("; ")}
                </td>
              </tr>
            ))}
          </ConsoleTable>
        )}
      </section>
    </ConsoleLayout>
  );
}
