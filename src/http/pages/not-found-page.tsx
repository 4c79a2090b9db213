import { Layout } from "./layout.js";
import type { Site } from "./site.js";

/** What a browser asked for that we do not have. */
export type Missing = "credential" | "short-link" | "certification" | "page";

const HEADINGS: Record<Missing, string> = {
  credential: "No such credential",
  "short-link": "No such credential",
  certification: "No such certification",
  page: "Page not found",
};

const SENTENCES: Record<Missing, string> = {
  credential: "There is no credential at this address.",
  "short-link": "This short link does not point to a credential.",
  certification: "There is no certification at this address.",
  page: "There is nothing at this address.",
};

/** A 404 page for a browser (machines get problem+json instead), saying what is missing and where to go next. */
export function NotFoundPage(props: { site: Site; missing: Missing }) {
  const { missing } = props;
  const aboutCredential = missing === "credential" || missing === "short-link";
  return (
    <Layout site={props.site} title={`${HEADINGS[missing]} | ${props.site.issuerName}`} noindex>
      <h1>{HEADINGS[missing]}</h1>
      <p class="lead" data-not-found={missing}>
        {SENTENCES[missing]}
      </p>
      {aboutCredential ? (
        <>
          <p>
            If you copied the link, check that it is complete: a credential's address ends in its id of 36 letters,
            digits and dashes, a short link in 22 letters and digits.
          </p>
          <p>
            Have the badge itself (an image or a credential file)? <a href="/verify">Verify it here</a>: the check works
            without the link.
          </p>
        </>
      ) : (
        <p>
          Check the link you followed, or <a href="/verify">verify a badge</a> instead.
        </p>
      )}
      <p>
        The <a href="/achievements">list of certifications</a> shows everything {props.site.issuerName} awards.
      </p>
    </Layout>
  );
}
