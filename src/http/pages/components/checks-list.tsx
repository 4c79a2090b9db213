import type { Check, CheckOutcome } from "../../../verify/report.js";
import { Icon } from "./icons.js";

const OUTCOME_WORDS: Record<CheckOutcome, string> = {
  passed: "Passed",
  failed: "Failed",
  "not-checked": "Not checked",
};

/** Every check of the report in plain words, each with its outcome as an icon and a word. */
export function ChecksList(props: { checks: Check[]; headingId?: string }) {
  const headingId = props.headingId ?? "checks-heading";
  return (
    <section class="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>What was checked</h2>
      <ul class="checks">
        {props.checks.map((check) => (
          <li class={`check check--${check.outcome}`} data-check={check.id} data-outcome={check.outcome}>
            <Icon name={check.outcome} class="check__icon" />
            <div>
              <p class="check__head">
                <span class="check__title">{check.title}</span>
                <span class="check__outcome">{OUTCOME_WORDS[check.outcome]}</span>
              </p>
              <p class="check__message">{check.message}</p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
