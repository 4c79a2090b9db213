import type { VerificationReport } from "../../verify/report.js";
import { ChecksList } from "./components/checks-list.js";
import { CredentialBody, CredentialHead, issuedHere } from "./components/credential-details.js";
import { isGenuine, VerdictBanner, verdictLabel } from "./components/verdict-banner.js";
import { Layout } from "./layout.js";
import type { Site } from "./site.js";
import { ownPagePath } from "./urls.js";

/** The upload form: a file (baked PNG/SVG, JSON) or pasted JSON/JWT, and an optional recipient email. */
function VerifyForm(props: { error?: string; heading: string }) {
  return (
    <section class="panel" aria-labelledby="verify-form-heading">
      <h2 id="verify-form-heading">{props.heading}</h2>
      {props.error ? (
        <p class="callout callout--failed" id="verify-error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/verify" enctype="multipart/form-data" class="stack-form">
        <div class="field">
          <label for="verify-file">Badge file</label>
          <p class="field__hint" id="verify-file-hint">
            A badge image with the credential baked in (PNG or SVG), or a credential file (JSON or JWT).
          </p>
          <input
            id="verify-file"
            name="file"
            type="file"
            accept=".png,.svg,.json,.jsonld,.jwt,.txt,image/png,image/svg+xml,application/json,application/ld+json"
            aria-describedby="verify-file-hint"
          />
        </div>
        <div class="field">
          <label for="verify-text">Or paste the credential</label>
          <p class="field__hint" id="verify-text-hint">
            The credential as JSON, or as a JWT (the long text starting with "eyJ").
          </p>
          <textarea
            id="verify-text"
            name="text"
            rows={6}
            spellcheck={false}
            autocomplete="off"
            aria-describedby="verify-text-hint"
          />
        </div>
        <div class="field">
          <label for="verify-email">Recipient's email address (optional)</label>
          <p class="field__hint" id="verify-email-hint">
            Checked against the credential's hashed email, then forgotten.
          </p>
          <input
            id="verify-email"
            name="email"
            type="email"
            maxlength={320}
            autocomplete="off"
            aria-describedby="verify-email-hint"
          />
        </div>
        <button type="submit" class="button">
          Verify
        </button>
      </form>
      <p class="muted">
        Files are checked in memory and are not stored. Images inside an uploaded credential are not loaded.
      </p>
    </section>
  );
}

/** GET /verify, and the form again with an error message. */
export function VerifyPage(props: { site: Site; error?: string }) {
  return (
    <Layout
      site={props.site}
      title={`Verify a badge | ${props.site.issuerName}`}
      description="Check any Open Badges credential: its signature, issuer, dates and revocation status."
    >
      <h1>Verify a badge</h1>
      <p class="lead">
        Check that an Open Badges credential is genuine and still valid: who issued it, that it was not altered, its
        dates, and whether it was revoked. Works for badges from any issuer.
      </p>
      <VerifyForm heading="Choose a badge to check" error={props.error} />
    </Layout>
  );
}

/** POST /verify: the result, laid out like a credential's own page, then the form for another badge. */
export function VerifyResultPage(props: { site: Site; report: VerificationReport }) {
  const { site, report } = props;
  const display = report.display;
  const genuine = isGenuine(report.verdict);
  const ownPage =
    display && issuedHere(display, site, genuine) ? ownPagePath(display.id, site.publicUrl, "credentials") : undefined;
  return (
    <Layout site={site} title={`${verdictLabel(report.verdict)}: verification result | ${site.issuerName}`} noindex>
      <VerdictBanner verdict={report.verdict} display={display} checkedAt={report.checkedAt} />
      {display ? (
        <article aria-labelledby="credential-name">
          <CredentialHead display={display} options={{ site, genuine }} expiredNow={report.verdict === "expired"} />
          {ownPage ? (
            <p class="notice">
              This credential was issued here: <a href={ownPage}>see its page</a> for its current status and history.
            </p>
          ) : null}
          <CredentialBody display={display} site={site} genuine={genuine} />
          <ChecksList checks={report.checks} />
        </article>
      ) : (
        <>
          <h1 id="credential-name">No credential could be read</h1>
          <ChecksList checks={report.checks} />
        </>
      )}
      <VerifyForm heading="Verify another badge" />
    </Layout>
  );
}
