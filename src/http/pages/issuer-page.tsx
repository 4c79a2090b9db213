import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import type { IssuerProfile } from "../../domain/issuer.js";
import { ProgramSections } from "./components/program-sections.js";
import { Layout } from "./layout.js";
import type { Site } from "./site.js";
import { mailtoUrl, safeHttpUrl } from "./urls.js";

/** The issuer's Profile and its certification catalog, grouped by program, with each program's journey drawn. */
export function IssuerPage(props: { site: Site; issuer: IssuerProfile; entries: CatalogEntry[]; profileUrl: string }) {
  const { site, issuer, entries } = props;
  const website = safeHttpUrl(issuer.url);
  const email = mailtoUrl(issuer.email);
  return (
    <Layout
      site={site}
      title={`${issuer.name}: certifications`}
      description={issuer.description ?? `Certifications issued by ${issuer.name} as Open Badges 3.0 credentials.`}
      canonical={props.profileUrl}
    >
      <div class="issuer-head">
        {site.logoSrc ? (
          <img class="issuer-head__logo" src={site.logoSrc} alt={`${issuer.name} logo`} width={96} height={96} />
        ) : null}
        <div>
          <p class="eyebrow">Credential issuer</p>
          <h1>{issuer.name}</h1>
          {issuer.description ? <p class="lead">{issuer.description}</p> : null}
          <ul class="inline-list">
            {website ? (
              <li>
                <a href={website}>{website}</a>
              </li>
            ) : null}
            {email && issuer.email ? (
              <li>
                <a href={email}>{issuer.email}</a>
              </li>
            ) : null}
            <li>
              <a href="/verify">Verify a badge</a>
            </li>
          </ul>
          <p class="muted">
            Issuer id: <code class="break">{issuer.id}</code>
          </p>
        </div>
      </div>
      <ProgramSections entries={entries} />
    </Layout>
  );
}
