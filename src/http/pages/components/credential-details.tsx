import type { CredentialDisplay } from "../../../verify/report.js";
import { humanDay, parseInstant } from "../dates.js";
import type { Site } from "../site.js";
import { ownPagePath, safeHttpUrl, safeImageSrc } from "../urls.js";
import { markdownHtml } from "./raw-html.js";

export type DetailsOptions = {
  site: Site;
  /** The signature and issuer checks passed: the page may say "issued by" rather than "names as issuer". */
  genuine: boolean;
  /** Overrides the badge image (our own baked PNG for stored credentials). */
  badgeSrc?: string;
};

/**
 * The credential verified as one of ours (genuine, and its issuer is this service): only then does a page link what it
 * says as our own pages. Every other link a credential carries is foreign, whatever host it names.
 */
export function issuedHere(display: CredentialDisplay, site: Site, genuine: boolean): boolean {
  return genuine && display.issuer.id !== undefined && display.issuer.id === site.issuerId;
}

function DateItem(props: { term: string; date?: Date; text?: string }) {
  if (!props.date && !props.text) {
    return null;
  }
  return (
    <div class="facts__item">
      <dt>{props.term}</dt>
      <dd>{props.date ? <time datetime={props.date.toISOString()}>{humanDay(props.date)}</time> : props.text}</dd>
    </div>
  );
}

/** Badge, name, recipient, issuer and dates: the top of every credential result. */
export function CredentialHead(props: { display: CredentialDisplay; options: DetailsOptions; expiredNow: boolean }) {
  const { display, options } = props;
  const { site } = options;
  const badge = options.badgeSrc ?? safeImageSrc(display.imageUrl, site.publicUrl);
  const alt = display.imageCaption ?? `Badge: ${display.name}`;
  const issuerName = display.issuer.name ?? display.issuer.id ?? "an unnamed issuer";
  const ours = issuedHere(display, site, options.genuine);
  const issuerHref = ours ? "/issuer" : safeHttpUrl(display.issuer.url);
  // A forged credential must not borrow a real issuer's logo: show it only once the signature holds.
  const issuerLogo = options.genuine ? safeImageSrc(display.issuer.imageUrl, site.publicUrl) : undefined;
  const issued = parseInstant(display.validFrom ?? display.issuedOn);
  const awarded = parseInstant(display.awardedDate);
  const until = parseInstant(display.validUntil);
  return (
    <div class="credential-head">
      <figure class="credential-head__badge">
        {badge ? (
          <img src={badge} alt={alt} width={240} height={240} />
        ) : (
          <div class="badge-placeholder" role="img" aria-label={`${alt} (image not shown)`}>
            <span aria-hidden="true">Badge image not shown</span>
          </div>
        )}
      </figure>
      <div class="credential-head__text">
        <p class="eyebrow">
          {!options.genuine
            ? "Unconfirmed claim"
            : display.achievementType
              ? spaced(display.achievementType)
              : "Credential"}
        </p>
        <h1 id="credential-name">{display.name}</h1>
        <p class="recipient">
          {display.recipientName ? (
            <>
              Awarded to <strong class="recipient__name">{display.recipientName}</strong>
            </>
          ) : (
            "The recipient is not named in this credential."
          )}
        </p>
        <p class="issuer-line">
          {issuerLogo ? <img class="issuer-line__logo" src={issuerLogo} alt="" width={32} height={32} /> : null}
          <span>
            {options.genuine ? "Issued by " : "Names as its issuer "}
            {issuerHref ? (
              <a href={issuerHref} rel={ours ? undefined : "nofollow noopener"}>
                {issuerName}
              </a>
            ) : (
              <strong>{issuerName}</strong>
            )}
          </span>
        </p>
        <dl class="facts">
          <DateItem term="Issued" date={issued} />
          {awarded && issued && awarded.getTime() !== issued.getTime() ? (
            <DateItem term="First awarded" date={awarded} />
          ) : null}
          {until ? (
            <DateItem term={props.expiredNow ? "Expired" : "Expires"} date={until} />
          ) : (
            <DateItem term="Expires" text="Does not expire" />
          )}
        </dl>
      </div>
    </div>
  );
}

/** "ext:CourseBadge" → "Course Badge"; "Certification" stays. */
function spaced(type: string): string {
  return type.replace(/^ext:/, "").replace(/([a-z])([A-Z])/g, "$1 $2");
}

/** Description, criteria (Markdown, rendered safely), evidence and results. */
export function CredentialBody(props: { display: CredentialDisplay; site: Site; genuine: boolean }) {
  const { display, site } = props;
  const achievementPath = issuedHere(display, site, props.genuine)
    ? ownPagePath(display.achievementId, site.publicUrl, "achievements")
    : undefined;
  const criteriaUrl = safeHttpUrl(display.criteriaUrl);
  return (
    <>
      {display.description ? (
        <section class="panel" aria-labelledby="about-heading">
          <h2 id="about-heading">About this credential</h2>
          <p>{display.description}</p>
          {achievementPath ? (
            <p>
              <a href={achievementPath}>More about {display.name}</a>
            </p>
          ) : null}
        </section>
      ) : null}
      {display.criteriaNarrative || criteriaUrl ? (
        <section class="panel" aria-labelledby="criteria-heading">
          <h2 id="criteria-heading">How it was earned</h2>
          {display.criteriaNarrative ? <div class="prose">{markdownHtml(display.criteriaNarrative)}</div> : null}
          {criteriaUrl && !display.criteriaNarrative ? (
            <p>
              Criteria:{" "}
              <a href={criteriaUrl} rel="nofollow noopener">
                {criteriaUrl}
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
      {display.evidence.length > 0 || display.results.length > 0 ? <EvidencePanel display={display} /> : null}
    </>
  );
}

/** OB result status vocabulary (Completed, Enrolled, Failed, InProgress, OnHold, Provisional, Withdrew) in words. */
function statusWords(status: string): string {
  const words = status.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type Result = CredentialDisplay["results"][number];

/** A result with its unit: "86 %" (Percent), "4.34 out of 5" (a score with a maximum), and its status in words. */
export function resultWords(r: Result): string {
  let value = r.value;
  if (value !== undefined && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    if (r.resultType === "Percent") {
      value = `${value.trim()} %`;
    } else if (r.valueMax !== undefined) {
      value = `${value.trim()} out of ${r.valueMax}`;
    }
  }
  return [value, r.status ? statusWords(r.status) : undefined].filter(Boolean).join(" · ") || "—";
}

/**
 * Evidence and results as one list: each criterion named once, with its result (when the credential gives one
 * under the same name) and its narrative; results without evidence of that name follow on their own.
 */
function EvidencePanel(props: { display: CredentialDisplay }) {
  const { evidence, results } = props.display;
  const named = new Set(evidence.map((e) => e.name).filter(Boolean));
  const resultOf = (name?: string) => (name ? results.find((r) => r.description === name) : undefined);
  const alone = results.filter((r) => !r.description || !named.has(r.description));
  return (
    <section class="panel" aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">Evidence and results</h2>
      {evidence.length > 0 ? (
        <ul class="evidence">
          {evidence.map((e) => {
            const href = safeHttpUrl(e.url);
            const found = resultOf(e.name);
            // Said once: a value the narrative already gives ("Scored 86 % on …") is not repeated in the heading,
            // nor a bare status ("Completed") beside a narrative that tells what happened ("Passed on …").
            const told = `${e.narrative ?? ""} ${e.description ?? ""}`;
            const result =
              found && (found.value ? !told.includes(resultWords(found)) : !e.narrative) ? found : undefined;
            return (
              <li>
                {e.name || result ? (
                  <p class="evidence__head">
                    {e.name ? <strong>{e.name}</strong> : null}
                    {result ? <span class="evidence__result">{resultWords(result)}</span> : null}
                  </p>
                ) : null}
                {e.description ? <p>{e.description}</p> : null}
                {e.narrative ? <div class="prose">{markdownHtml(e.narrative)}</div> : null}
                {href ? (
                  <p>
                    <a href={href} rel="nofollow noopener">
                      View evidence
                    </a>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {alone.length > 0 ? (
        <dl class="results">
          {alone.map((r) => (
            <div class="results__item">
              <dt>{r.description ?? "Result"}</dt>
              <dd>{resultWords(r)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}
