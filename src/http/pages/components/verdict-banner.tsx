import type { CredentialDisplay, Verdict } from "../../../verify/report.js";
import { humanDay, humanDayTime, parseInstant } from "../dates.js";
import { Icon, type IconName } from "./icons.js";

type Tone = "good" | "warn" | "bad" | "neutral";

const VERDICTS: Record<Verdict, { label: string; tone: Tone; icon: IconName }> = {
  valid: { label: "Valid", tone: "good", icon: "passed" },
  expired: { label: "Expired", tone: "warn", icon: "clock" },
  "not-yet-valid": { label: "Not yet valid", tone: "warn", icon: "clock" },
  revoked: { label: "Revoked", tone: "bad", icon: "revoked" },
  suspended: { label: "Suspended", tone: "warn", icon: "pause" },
  "not-genuine": { label: "Not genuine", tone: "bad", icon: "failed" },
  invalid: { label: "Not a valid credential", tone: "bad", icon: "failed" },
  unverified: { label: "Could not be verified", tone: "neutral", icon: "question" },
};

/** The signature and issuer checks held: the page may say "issued by" (expired or revoked credentials too). */
export function isGenuine(verdict: Verdict): boolean {
  return verdict !== "not-genuine" && verdict !== "invalid" && verdict !== "unverified";
}

export function verdictLabel(verdict: Verdict): string {
  return VERDICTS[verdict].label;
}

/** One plain sentence for the verdict that never claims more than the checks showed. */
export function verdictSentence(verdict: Verdict, display?: CredentialDisplay, replaced = false): string {
  const issuer = display?.issuer.name ? ` by ${display.issuer.name}` : "";
  const until = parseInstant(display?.validUntil);
  const from = parseInstant(display?.validFrom);
  switch (verdict) {
    case "valid":
      return `This credential is genuine: it was issued${issuer}, has not been altered, and is valid today.`;
    case "expired":
      return `This credential is genuine, but it expired${until ? ` on ${humanDay(until)}` : ""}.`;
    case "not-yet-valid":
      return `This credential is genuine, but it is not valid before${from ? ` ${humanDay(from)}` : " its start date"}.`;
    case "revoked":
      return replaced
        ? "The issuer replaced this credential with a newer one, so this one is no longer valid."
        : "The issuer has revoked this credential: it is no longer valid.";
    case "suspended":
      return `The issuer has suspended this credential: it is not valid while suspended.`;
    case "not-genuine":
      return "This credential failed its authenticity checks: it was altered or was not signed by the issuer it names. Do not rely on it.";
    case "invalid":
      return "This is not a readable Open Badges credential, so nothing in it can be relied on.";
    case "unverified":
      return "No check failed, but its signature could not be checked, so it is not confirmed as genuine.";
  }
}

/**
 * The headline of a verification: icon, word and sentence together (never colour alone), with the time of the
 * check. The section is labelled so screen-reader users can jump to it.
 */
export function VerdictBanner(props: {
  verdict: Verdict;
  display?: CredentialDisplay;
  checkedAt: string;
  /** The issuer's public revocation or suspension reason, when there is one. */
  reason?: string;
  /** When the current revocation or suspension took effect. */
  since?: string;
  /** Revoked because a newer credential replaced it (reissue, recertification). */
  replaced?: boolean;
}) {
  const v = VERDICTS[props.verdict];
  const checked = parseInstant(props.checkedAt);
  const since = props.verdict === "revoked" || props.verdict === "suspended" ? parseInstant(props.since) : undefined;
  return (
    <section class={`verdict verdict--${v.tone}`} aria-labelledby="verdict-label" data-verdict={props.verdict}>
      <Icon name={v.icon} class="verdict__icon" />
      <div class="verdict__text">
        <p class="verdict__label" id="verdict-label">
          <span class="visually-hidden">Verification result: </span>
          {v.label}
        </p>
        <p class="verdict__sentence">
          {verdictSentence(props.verdict, props.display, props.replaced)}
          {since ? (
            <>
              {" "}
              {props.verdict === "revoked" ? "Revoked" : "Suspended"} on{" "}
              <time datetime={since.toISOString()}>{humanDay(since)}</time>.
            </>
          ) : null}
        </p>
        {props.reason && !(props.replaced && props.reason === "superseded") ? (
          <p class="verdict__reason">
            <strong>Reason given by the issuer:</strong> {props.reason}
          </p>
        ) : null}
        {checked ? (
          <p class="verdict__checked">
            Checked <time datetime={checked.toISOString()}>{humanDayTime(checked)}</time>
          </p>
        ) : null}
      </div>
    </section>
  );
}
