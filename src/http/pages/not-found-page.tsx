import { Layout } from "./layout.js";
import type { Site } from "./site.js";

/** A page for a browser that asked for something we do not have (machines get problem+json instead). */
export function NotFoundPage(props: { site: Site; what: string }) {
  return (
    <Layout site={props.site} title={`Not found | ${props.site.issuerName}`} noindex>
      <h1>Not found</h1>
      <p class="lead">{props.what}</p>
      <p>
        Check the link you followed, or <a href="/verify">verify a badge file</a> instead. The{" "}
        <a href="/issuer">list of certifications</a> shows everything {props.site.issuerName} awards.
      </p>
    </Layout>
  );
}
