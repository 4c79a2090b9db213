import { FormAlert, type FormErrors, PostForm, TextField } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";

/** Change one's own password (required after a one-time password). */
export function PasswordPage(props: { chrome: ConsoleChrome; errors: FormErrors; required: boolean; done?: boolean }) {
  return (
    <ConsoleLayout chrome={props.chrome} title="Change password" current="password">
      <h1>Change your password</h1>
      {props.required ? (
        <p class="notice">
          You signed in with a one-time password. Choose your own password to go on: at least 12 characters (a few words
          make a good one).
        </p>
      ) : null}
      {props.done ? (
        <div class="console-flash" role="status">
          <p>Your password has been changed. Your other sessions have been signed out.</p>
        </div>
      ) : null}
      <FormAlert message={Object.keys(props.errors).length ? "The password was not changed: see below." : undefined} />
      <section class="panel">
        <PostForm action="/console/password" csrf={props.chrome.csrf} class="stack-form">
          <TextField
            name="current"
            label="Current password"
            type="password"
            errors={props.errors}
            required
            autocomplete="current-password"
            maxLength={256}
          />
          <TextField
            name="next"
            label="New password"
            type="password"
            hint="At least 12 characters."
            errors={props.errors}
            required
            autocomplete="new-password"
            maxLength={256}
          />
          <TextField
            name="confirm"
            label="New password again"
            type="password"
            errors={props.errors}
            required
            autocomplete="new-password"
            maxLength={256}
          />
          <button type="submit" class="button">
            Change password
          </button>
        </PostForm>
      </section>
    </ConsoleLayout>
  );
}
