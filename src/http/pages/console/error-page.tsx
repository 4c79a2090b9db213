import type { Site } from "../site.js";
import { type ConsoleChrome, ConsoleLayout, PublicConsoleLayout } from "./layout.js";

export type ConsoleErrorView = { status: number; title: string; detail: string };

const HEADINGS: Record<number, string> = {
  401: "Please sign in",
  403: "You may not do this",
  404: "Not found",
  409: "This cannot be done now",
  429: "Too many attempts",
};

function Body(props: ConsoleErrorView & { signedIn: boolean }) {
  return (
    <>
      <h1>{HEADINGS[props.status] ?? props.title}</h1>
      <section class="panel" data-status={String(props.status)}>
        <p>{props.detail}</p>
        {props.status === 403 ? (
          <p class="muted">
            Your account's roles do not allow it. An administrator can give you a role for this program on the Users
            page.
          </p>
        ) : null}
        <p>
          {props.signedIn ? (
            <a href="/console">Back to the console overview</a>
          ) : (
            <a href="/console/sign-in">Sign in</a>
          )}
        </p>
      </section>
    </>
  );
}

/** A refusal or failure as a console page (403 for a forbidden action, 404, 409…), with the problem's wording. */
export function ConsoleErrorPage(props: ConsoleErrorView & { chrome: ConsoleChrome | null; site: Site }) {
  if (props.chrome) {
    return (
      <ConsoleLayout chrome={props.chrome} title={HEADINGS[props.status] ?? props.title}>
        <Body {...props} signedIn />
      </ConsoleLayout>
    );
  }
  return (
    <PublicConsoleLayout site={props.site} title={HEADINGS[props.status] ?? props.title}>
      <Body {...props} signedIn={false} />
    </PublicConsoleLayout>
  );
}
