import type { UserView } from "../../../services/users.js";
import { Flash, FormAlert, type FormErrors, PostForm, TextField } from "./form.js";
import { GrantFields, type GrantForm } from "./grant-fields.js";
import { grantWords } from "./grant-words.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";
import { ConsoleTable } from "./table.js";

export type UsersView = {
  chrome: ConsoleChrome;
  users: UserView[];
  programs: readonly string[];
  canManage: boolean;
  flash?: string;
  /** An account just created with a one-time password: shown this once. */
  created?: { email: string; password: string };
  form: { email?: string; name?: string; sso?: boolean } & GrantForm;
  errors: FormErrors;
};

/** Console accounts: who they are, their roles per program, their state; create an account. */
export function UsersPage(props: UsersView) {
  const { chrome, errors } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Users" current="users">
      <h1>Users</h1>
      <Flash message={props.flash} />
      {props.created ? (
        <section class="panel console-secret" role="status" aria-labelledby="password-head">
          <h2 id="password-head">Account {props.created.email} created</h2>
          <p>
            Its one-time password is shown only this once. Give it to its owner, who must choose a new one at the first
            sign-in.
          </p>
          <p>
            <code class="console-secret__value" data-password>
              {props.created.password}
            </code>
          </p>
        </section>
      ) : null}
      <section class="panel" aria-labelledby="users-head">
        <h2 id="users-head">Accounts</h2>
        <ConsoleTable
          label="Accounts table"
          caption="Console accounts by email"
          columns={["Account", "Roles", "Sign-in", "State"]}
        >
          {props.users.map((user) => (
            <tr>
              <td>
                <a href={`/console/users/${encodeURIComponent(user.id)}`}>{user.name}</a>
                <br />
                <span class="muted">{user.email}</span>
              </td>
              <td>
                {user.grants.length === 0 ? (
                  <span class="muted">none</span>
                ) : (
                  <ul class="console-plain-list">
                    {user.grants.map((grant) => (
                      <li>{grantWords(grant)}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td>{user.hasPassword ? "Password" : "Single sign-on"}</td>
              <td>{user.disabledAt ? `Disabled ${user.disabledAt.slice(0, 10)}` : "Active"}</td>
            </tr>
          ))}
        </ConsoleTable>
      </section>
      {props.canManage ? (
        <section class="panel" aria-labelledby="create-head">
          <h2 id="create-head">Create an account</h2>
          <FormAlert message={Object.keys(errors).length ? "The account was not created: see below." : undefined} />
          <PostForm action="/console/users" csrf={chrome.csrf} class="stack-form">
            <TextField
              name="email"
              label="Email"
              type="email"
              value={props.form.email}
              errors={errors}
              required
              maxLength={320}
            />
            <TextField name="name" label="Name" value={props.form.name} errors={errors} required maxLength={200} />
            <GrantFields programs={props.programs} form={props.form} errors={errors} />
            <div class="field">
              <label class="console-check">
                <input type="checkbox" name="sso" value="1" checked={props.form.sso === true} /> Signs in through single
                sign-on only (no password)
              </label>
            </div>
            <button type="submit" class="button">
              Create account
            </button>
          </PostForm>
        </section>
      ) : null}
    </ConsoleLayout>
  );
}
