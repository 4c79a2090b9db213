import type { Check } from "../../../verify/report.js";
import { Icon } from "./icons.js";

/**
 * "Check the recipient's email": posts to the page's own sub-path, so the address travels only in a POST body
 * (never in a URL, so never in logs, history or referrers) and the result page is not cached.
 */
export function RecipientForm(props: { action: string; result?: Check; error?: string }) {
  const { result } = props;
  return (
    <section class="panel" aria-labelledby="recipient-heading" id="recipient-check">
      <h2 id="recipient-heading">Check the recipient</h2>
      <p>
        Know the email address of the person this was awarded to? Enter it to check that the credential is theirs. The
        address is compared with the credential's hashed email and is not stored.
      </p>
      {result ? (
        <p class={`callout callout--${result.outcome}`} data-recipient-outcome={result.outcome}>
          <Icon name={result.outcome} class="callout__icon" />
          <span>
            <strong>
              {result.outcome === "passed" ? "Match" : result.outcome === "failed" ? "No match" : "Not checked"}:
            </strong>{" "}
            {result.message}
          </span>
        </p>
      ) : null}
      <form method="post" action={props.action} class="inline-form">
        <div class="field">
          <label for="recipient-email">Recipient's email address</label>
          <input
            id="recipient-email"
            name="email"
            type="email"
            required
            maxlength={320}
            autocomplete="off"
            spellcheck={false}
            aria-describedby={props.error ? "recipient-error" : undefined}
            aria-invalid={props.error ? "true" : undefined}
          />
          {props.error ? (
            <p class="field__error" id="recipient-error">
              {props.error}
            </p>
          ) : null}
        </div>
        <button type="submit" class="button">
          Check email
        </button>
      </form>
    </section>
  );
}
