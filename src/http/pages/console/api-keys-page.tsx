import { SCOPES, type Scope } from "../../../domain/scopes.js";
import { describedBy, Field, Flash, FormAlert, type FormErrors, PostForm, TextField } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export type ApiKeyRow = {
  id: string;
  name: string;
  scopes: string[];
  graderRole: string | null;
  createdAt: string;
  revokedAt: string | null;
};

export type ApiKeysView = {
  chrome: ConsoleChrome;
  keys: ApiKeyRow[];
  /** Whether this account may create and revoke keys (else the list only). */
  canManage: boolean;
  /** A key just created: its token, shown this once. */
  created?: { id: string; name: string; token: string };
  flash?: string;
  form: { name?: string; scopes?: string[]; graderRole?: string };
  errors: FormErrors;
};

/** Every scope in words (typed on Scope: a new scope cannot be listed without them). */
const SCOPE_WORDS: Record<Scope, string> = {
  admin: "admin: everything",
  "credentials:issue": "credentials:issue: issue credentials",
  "credentials:read": "credentials:read: read credentials",
  "credentials:status": "credentials:status: revoke, suspend, reinstate, reissue",
  "evidence:write": "evidence:write: record evidence",
  "evidence:read": "evidence:read: read evidence",
  "events:read": "events:read: read the events outbox",
  "events:deliver": "events:deliver: claim and acknowledge events",
  "audit:read": "audit:read: read the audit log",
  "approvals:decide": "approvals:decide: list, approve and reject awards waiting for approval",
  "webhooks:manage": "webhooks:manage: register and remove webhook endpoints, read their deliveries",
  "catalog:reload": "catalog:reload: reload the catalog's definition files",
};

/** The API keys: every key with its scopes and state; create (the token shown once) and revoke. */
export function ApiKeysPage(props: ApiKeysView) {
  const { chrome, errors } = props;
  const chosen = new Set(props.form.scopes ?? []);
  const scopesError = errors.scopes;
  return (
    <ConsoleLayout chrome={chrome} title="API keys" current="api-keys">
      <h1>API keys</h1>
      <Flash message={props.flash} />
      {props.created ? (
        <section class="panel console-secret" aria-labelledby="token-head" role="status">
          <h2 id="token-head">Key “{props.created.name}” created</h2>
          <p>
            Copy its token now: it is shown only this once. Give it to the program that calls the API as{" "}
            <code>Authorization: Bearer …</code>.
          </p>
          <p>
            <code class="console-secret__value" data-token>
              {props.created.token}
            </code>
          </p>
        </section>
      ) : null}
      <section class="panel" aria-labelledby="keys-head">
        <h2 id="keys-head">Keys</h2>
        {props.keys.length === 0 ? (
          <p>No API key yet.</p>
        ) : (
          <ConsoleTable
            label="API keys table"
            caption="API keys, newest first"
            columns={["Name", "Id", "Scopes", "Created", "State", ...(props.canManage ? ["Action"] : [])]}
          >
            {props.keys.map((key) => (
              <tr>
                <td>{key.name}</td>
                <td>
                  <code>{key.id}</code>
                </td>
                <td>
                  {key.scopes.join(", ")}
                  {key.graderRole ? <span class="muted"> (grades as {key.graderRole})</span> : null}
                </td>
                <td>{key.createdAt.slice(0, 10)}</td>
                <td>{key.revokedAt ? `Revoked ${key.revokedAt.slice(0, 10)}` : "Active"}</td>
                {props.canManage ? (
                  <td>
                    {key.revokedAt ? null : (
                      <PostForm
                        action={`/console/api-keys/${encodeURIComponent(key.id)}/revoke`}
                        csrf={chrome.csrf}
                        label={`Revoke ${key.name}`}
                      >
                        <button type="submit" class="button button--secondary">
                          Revoke<span class="visually-hidden"> {key.name}</span>
                        </button>
                      </PostForm>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </ConsoleTable>
        )}
      </section>
      {props.canManage ? (
        <section class="panel" aria-labelledby="create-head">
          <h2 id="create-head">Create a key</h2>
          <FormAlert message={Object.keys(errors).length ? "The key was not created: see below." : undefined} />
          <PostForm action="/console/api-keys" csrf={chrome.csrf} class="stack-form">
            <TextField
              name="name"
              label="Name"
              hint="Who or what uses it, e.g. lab-grader."
              value={props.form.name}
              errors={errors}
              required
              maxLength={100}
            />
            <fieldset
              class="console-checks"
              aria-describedby={describedBy("field-scopes", false, scopesError)}
              aria-invalid={scopesError ? "true" : undefined}
            >
              <legend>Scopes</legend>
              {SCOPES.map((scope) => (
                <label class="console-check">
                  <input type="checkbox" name="scopes" value={scope} checked={chosen.has(scope)} /> {SCOPE_WORDS[scope]}
                </label>
              ))}
              {scopesError ? (
                <p class="field__error" id="field-scopes-error">
                  {scopesError}
                </p>
              ) : null}
            </fieldset>
            <Field
              id="field-graderRole"
              label="Grader role (optional)"
              hint="The role its evidence is graded as, e.g. ps-engineer."
              error={errors.graderRole}
            >
              <input
                id="field-graderRole"
                name="graderRole"
                type="text"
                value={props.form.graderRole ?? ""}
                maxlength={64}
                aria-invalid={errors.graderRole ? "true" : undefined}
                aria-describedby={describedBy("field-graderRole", true, errors.graderRole)}
              />
            </Field>
            <button type="submit" class="button">
              Create key
            </button>
          </PostForm>
        </section>
      ) : null}
    </ConsoleLayout>
  );
}
