import { Layout } from "./layout.js";
import type { Site } from "./site.js";

export type PreferencesPageProps = {
  site: Site;
  /** The page's own address (the form posts back to it); absent when the link is not valid. */
  action?: string;
  /** Whether expiry reminders are sent; absent when the link is not valid. */
  reminders?: boolean;
  /** What the last POST changed, said at the top of the page. */
  changed?: "off" | "on";
};

/**
 * A recipient's e-mail preferences, reached from the link in every message (the token in it is the key: no login).
 * One button turns expiry reminders off or on again; award, reissue, revocation and suspension notices are always
 * sent, and the page says so.
 */
export function PreferencesPage(props: PreferencesPageProps) {
  const { site } = props;
  const title = `E-mail preferences | ${site.issuerName}`;
  if (props.action === undefined || props.reminders === undefined) {
    return (
      <Layout site={site} title={title} noindex>
        <h1>E-mail preferences</h1>
        <p class="lead" data-preferences="unknown-link">
          This link is not valid. Use the link at the bottom of the latest e-mail from {site.issuerName}.
        </p>
      </Layout>
    );
  }
  return (
    <Layout site={site} title={title} noindex>
      <h1>E-mail preferences</h1>
      {props.changed ? (
        <div class="notice" role="status" data-changed={props.changed}>
          <p>
            {props.changed === "off"
              ? "Done: you will get no more expiry reminders."
              : "Done: you will get expiry reminders again."}
          </p>
        </div>
      ) : null}
      <div class="panel">
        <h2>Expiry reminders</h2>
        <p data-reminders={props.reminders ? "on" : "off"}>
          {props.reminders
            ? `${site.issuerName} e-mails you before a credential of yours expires, and says how to renew it.`
            : `You get no expiry reminders from ${site.issuerName}.`}
        </p>
        <form method="post" action={props.action} class="inline-form">
          <input type="hidden" name="reminders" value={props.reminders ? "off" : "on"} />
          <button type="submit" class={props.reminders ? "button" : "button button--secondary"}>
            {props.reminders ? "Stop expiry reminders" : "Send me expiry reminders again"}
          </button>
        </form>
        <p class="muted">
          Messages about a credential itself (when it is awarded, reissued, suspended or revoked) are always sent: they
          tell you what happened to it.
        </p>
      </div>
    </Layout>
  );
}
