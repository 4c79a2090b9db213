import type { UserView } from "../../../services/users.js";
import { Flash, FormAlert, type FormErrors, PostForm } from "./form.js";
import { GrantFields, type GrantForm } from "./grant-fields.js";
import { grantWords } from "./grant-words.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";

export type UserPageView = {
  chrome: ConsoleChrome;
  user: UserView;
  programs: readonly string[];
  canManage: boolean;
  /** Whether this is the signed-in account itself (it cannot disable itself). */
  self: boolean;
  flash?: string;
  /** A one-time password just set: shown this once. */
  password?: string;
  form: GrantForm;
  errors: FormErrors;
};

/** One account: its roles per program (add, remove), and disable / enable / reset its password. */
export function UserPage(props: UserPageView) {
  const { chrome, user, errors } = props;
  const base = `/console/users/${encodeURIComponent(user.id)}`;
  return (
    <ConsoleLayout chrome={chrome} title={user.name} current="users">
      <p class="breadcrumb">
        <a href="/console/users">Users</a>
      </p>
      <h1>{user.name}</h1>
      <p>
        {user.email} · {user.hasPassword ? "signs in with a password" : "signs in through single sign-on"} ·{" "}
        {user.disabledAt ? <strong>disabled since {user.disabledAt.slice(0, 10)}</strong> : "active"}
      </p>
      <Flash message={props.flash} />
      {props.password ? (
        <section class="panel console-secret" role="status" aria-labelledby="password-head">
          <h2 id="password-head">New one-time password</h2>
          <p>Shown only this once; its owner must choose a new one at the next sign-in. Their sessions have ended.</p>
          <p>
            <code class="console-secret__value" data-password>
              {props.password}
            </code>
          </p>
        </section>
      ) : null}
      <section class="panel" aria-labelledby="grants-head">
        <h2 id="grants-head">Roles</h2>
        {user.grants.length === 0 ? (
          <p>No role: this account can sign in but open nothing.</p>
        ) : (
          <ul class="console-grants">
            {user.grants.map((grant) => (
              <li>
                <span>{grantWords(grant)}</span>
                {props.canManage ? (
                  <PostForm
                    action={`${base}/grants/${encodeURIComponent(grant.id)}/revoke`}
                    csrf={chrome.csrf}
                    label={`Remove ${grantWords(grant)}`}
                  >
                    <button type="submit" class="button button--secondary">
                      Remove<span class="visually-hidden"> {grantWords(grant)}</span>
                    </button>
                  </PostForm>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {props.canManage ? (
        <>
          <section class="panel" aria-labelledby="grant-head">
            <h2 id="grant-head">Give a role</h2>
            <FormAlert message={Object.keys(errors).length ? "The role was not given: see below." : undefined} />
            <PostForm action={`${base}/grants`} csrf={chrome.csrf} class="stack-form">
              <GrantFields programs={props.programs} form={props.form} errors={errors} />
              <button type="submit" class="button">
                Give role
              </button>
            </PostForm>
          </section>
          <section class="panel" aria-labelledby="account-head">
            <h2 id="account-head">Account</h2>
            <div class="console-account__actions">
              {props.self ? null : user.disabledAt ? (
                <PostForm action={`${base}/enable`} csrf={chrome.csrf} label="Enable the account">
                  <button type="submit" class="button button--secondary">
                    Enable account
                  </button>
                </PostForm>
              ) : (
                <PostForm action={`${base}/disable`} csrf={chrome.csrf} label="Disable the account">
                  <button type="submit" class="button button--secondary">
                    Disable account
                  </button>
                </PostForm>
              )}
              {user.hasPassword && !props.self ? (
                <PostForm action={`${base}/reset-password`} csrf={chrome.csrf} label="Reset the password">
                  <button type="submit" class="button button--secondary">
                    Give a new one-time password
                  </button>
                </PostForm>
              ) : null}
            </div>
            {props.self ? <p class="muted">This is your own account: another administrator can disable it.</p> : null}
          </section>
        </>
      ) : null}
    </ConsoleLayout>
  );
}
