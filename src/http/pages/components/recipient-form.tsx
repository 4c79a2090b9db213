import type { Check, CheckOutcome } from "../../../verify/report.js";
import { Icon } from "./icons.js";

const ANSWERS: Record<CheckOutcome, { head: string; sentence: string }> = {
  passed: { head: "Match", sentence: "This credential was awarded to the email address you entered." },
  failed: { head: "No match", sentence: "This credential was not awarded to the email address you entered." },
  "not-checked": { head: "Not checked", sentence: "The email address you entered could not be compared." },
};

/**
 * The answer to "check the recipient", shown first on the page that answers it (above the verdict): the visitor
 * asked about the recipient, so that answer must not sit under a banner about something else. A form error is
 * summarised here too, linking to the field where it is explained.
 */
export function RecipientAnswer(props: { result?: Check; error?: string }) {
  const { result, error } = props;
  if (error) {
    return (
      <section class="answer answer--failed" aria-labelledby="answer-head" role="alert">
        <Icon name="failed" class="answer__icon" />
        <div>
          <p class="answer__head" id="answer-head">
            The recipient was not checked
          </p>
          <p>
            <a href="#recipient-email">{error}</a>
          </p>
        </div>
      </section>
    );
  }
  if (!result) {
    return null;
  }
  const answer = ANSWERS[result.outcome];
  return (
    <section
      class={`answer answer--${result.outcome}`}
      aria-labelledby="answer-head"
      role="status"
      data-recipient-outcome={result.outcome}
    >
      <Icon name={result.outcome} class="answer__icon" />
      <div>
        <p class="answer__head" id="answer-head">
          <span class="visually-hidden">Recipient check: </span>
          {answer.head}
        </p>
        <p>{answer.sentence}</p>
        {result.outcome === "not-checked" ? <p class="answer__detail">{result.message}</p> : null}
        <p class="answer__next">
          The verification of the credential itself follows. <a href="#recipient-check">Check another address</a>
        </p>
      </div>
    </section>
  );
}

/**
 * "Check the recipient's email": posts to the page's own sub-path, so the address travels only in a POST body
 * (never in a URL, so never in logs, history or referrers) and the result page is not cached. The answer is shown
 * at the top of the page (RecipientAnswer); an error is also repeated next to the field.
 */
export function RecipientForm(props: { action: string; error?: string }) {
  return (
    <section class="panel" aria-labelledby="recipient-heading" id="recipient-check">
      <h2 id="recipient-heading">Check the recipient</h2>
      <p>
        Know the email address of the person this was awarded to? Enter it to check that the credential is theirs. The
        address is compared with the credential's hashed email and is not stored.
      </p>
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
