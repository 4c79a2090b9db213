import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import { plural } from "../../domain/criteria/format.js";
import { programSlug, programsOf } from "./components/program-sections.js";
import { Layout } from "./layout.js";
import type { Site } from "./site.js";

/** GET / for browsers: who issues here, what they award, and where to verify, browse or read the API. */
export function HomePage(props: { site: Site; description?: string; entries: CatalogEntry[] }) {
  const { site, entries } = props;
  return (
    <Layout
      site={site}
      title={`${site.issuerName}: certifications and badge verification`}
      description={props.description ?? `Certifications from ${site.issuerName}, as verifiable Open Badges.`}
      canonical={`${site.publicUrl}/`}
    >
      <div class="issuer-head">
        {site.logoSrc ? <img class="issuer-head__logo" src={site.logoSrc} alt="" width={96} height={96} /> : null}
        <div>
          <h1>{site.issuerName}</h1>
          <p class="lead">
            {props.description ??
              `${site.issuerName} awards certifications as Open Badges 3.0 credentials: signed, so that anyone can check them.`}
          </p>
        </div>
      </div>
      <ul class="tiles">
        <li class="tile">
          <h2 class="tile__title">
            <a href="/verify">Verify a badge</a>
          </h2>
          <p>
            Check a badge image, a credential file or a pasted credential, from this issuer or any other: who issued it,
            that it was not altered, its dates, and whether it was revoked.
          </p>
        </li>
        <li class="tile">
          <h2 class="tile__title">
            <a href="/achievements">Browse the certifications</a>
          </h2>
          <p>{plural(entries.length, "certification")}, what each one certifies and how it is earned, by program.</p>
        </li>
        <li class="tile">
          <h2 class="tile__title">
            <a href="/issuer">About the issuer</a>
          </h2>
          <p>Who {site.issuerName} is, its issuer identity, and the journeys between its certifications.</p>
        </li>
      </ul>
      <section class="panel" aria-labelledby="programs-heading">
        <h2 id="programs-heading">Programs</h2>
        <ul class="program-list">
          {programsOf(entries).map((program) => (
            <li>
              <a href={`/achievements#${programSlug(program)}`}>{program}</a>{" "}
              <span class="muted">
                ({plural(entries.filter((e) => e.program === program).length, "certification")})
              </span>
            </li>
          ))}
        </ul>
      </section>
      <p class="muted home-note">
        Received a credential link? Open it to see the credential's verification page. Systems can use the{" "}
        <a href="/docs">API</a>.
      </p>
    </Layout>
  );
}
