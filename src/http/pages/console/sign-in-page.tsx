import type { Site } from "../site.js";
import { FormAlert, type FormErrors, TextField } from "./form.js";
import { PublicConsoleLayout } from "./layout.js";

export type SignInView = {
  site: Site;
  email?: string;
  /** Where to go once signed in (a console path). */
  next?: string;
  errors: FormErrors;
  /** A refusal not tied to a field: wrong email or password, too many attempts, an SSO failure. */
  alert?: string;
  /** A message after signing out. */
  notice?: string;
  sso: boolean;
};

/** The console's sign-in page: email and password, and single sign-on when it is configured. */
export function SignInPage(props: SignInView) {
  return (
    <PublicConsoleLayout site={props.site} title="Sign in">
      <h1>Sign in to the console</h1>
      {props.notice ? (
        <div class="console-flash" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <FormAlert message={props.alert} />
      <section class="panel">
        <form method="post" action="/console/sign-in" class="stack-form">
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <TextField
            name="email"
            label="Email"
            type="email"
            value={props.email}
            errors={props.errors}
            required
            autocomplete="username"
            maxLength={320}
          />
          <TextField
            name="password"
            label="Password"
            type="password"
            errors={props.errors}
            required
            autocomplete="current-password"
            maxLength={256}
          />
          <button type="submit" class="button">
            Sign in
          </button>
        </form>
      </section>
      {props.sso ? (
        <section class="panel" aria-labelledby="sso-head">
          <h2 id="sso-head">Single sign-on</h2>
          <p>Use your organisation's account.</p>
          <a
            class="button button--secondary"
            href={`/console/sso/start${props.next ? `?next=${encodeURIComponent(props.next)}` : ""}`}
          >
            Sign in with single sign-on
          </a>
        </section>
      ) : null}
    </PublicConsoleLayout>
  );
}
