import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import type { IssuerProfile } from "../../domain/issuer.js";
import { programJourneys } from "../../domain/journey.js";
import { prerequisiteIds, validityWords } from "./catalog-words.js";
import { JourneyDiagram } from "./components/journey-diagram.js";
import { Layout } from "./layout.js";
import type { Site } from "./site.js";
import { mailtoUrl, safeHttpUrl } from "./urls.js";

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function CertificationCard(props: { entry: CatalogEntry; names: Map<string, string> }) {
  const { entry } = props;
  const requires = prerequisiteIds(entry);
  return (
    <li class="card">
      <img
        class="card__badge"
        src={`/achievements/${entry.id}/image`}
        alt=""
        width={72}
        height={72}
        loading="lazy"
        decoding="async"
      />
      <div>
        <h3 class="card__title">
          <a href={`/achievements/${entry.id}`}>{entry.name}</a>
        </h3>
        <p>{entry.description}</p>
        <p class="muted">{validityWords(entry)}</p>
        {requires.length > 0 ? (
          <p class="muted">
            Requires:{" "}
            {requires.map((id, i) => (
              <>
                {i > 0 ? ", " : ""}
                <a href={`/achievements/${id}`}>{props.names.get(id) ?? id}</a>
              </>
            ))}
          </p>
        ) : null}
      </div>
    </li>
  );
}

/** The issuer's Profile and its certification catalog, grouped by program, with each program's journey drawn. */
export function IssuerPage(props: { site: Site; issuer: IssuerProfile; entries: CatalogEntry[]; profileUrl: string }) {
  const { site, issuer, entries } = props;
  const names = new Map(entries.map((e) => [e.id, e.name]));
  const journeys = new Map(programJourneys(entries).map((j) => [j.program, j.layout]));
  // Programs with a journey to draw come first: they are the heart of the catalog.
  const all = [...new Set(entries.map((e) => e.program))];
  const programs = [...all.filter((p) => journeys.has(p)), ...all.filter((p) => !journeys.has(p))];
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
      {programs.map((program) => {
        const id = slug(program);
        const layout = journeys.get(program);
        const members = entries.filter((e) => e.program === program);
        return (
          <section class="program" aria-labelledby={`program-${id}`}>
            <h2 id={`program-${id}`}>{program}</h2>
            {layout ? (
              <figure class="journey-figure">
                <JourneyDiagram
                  layout={layout}
                  title={`${program}: the certification journey`}
                  idPrefix={`journey-${id}`}
                />
                <figcaption>The journey: each arrow leads from a certification to one that requires it.</figcaption>
              </figure>
            ) : null}
            <ul class="cards">
              {members.map((entry) => (
                <CertificationCard entry={entry} names={names} />
              ))}
            </ul>
          </section>
        );
      })}
    </Layout>
  );
}
