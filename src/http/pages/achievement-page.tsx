import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import { assessmentNamer, dependentIds, prerequisiteIds, validityWords } from "./catalog-words.js";
import { programSlug } from "./components/program-sections.js";
import { markdownHtml } from "./components/raw-html.js";
import { Layout } from "./layout.js";
import { RuleWords } from "./rule-words.js";
import type { Site } from "./site.js";
import { safeHttpUrl } from "./urls.js";

function CertificationLinks(props: { ids: string[]; names: Map<string, string> }) {
  return (
    <ul>
      {props.ids.map((id) => (
        <li>
          <a href={`/achievements/${id}`}>{props.names.get(id) ?? id}</a>
        </li>
      ))}
    </ul>
  );
}

/** The public catalog page of one certification: what it certifies and how it is earned, in plain words. */
export function AchievementPage(props: { site: Site; entry: CatalogEntry; entries: CatalogEntry[]; url: string }) {
  const { site, entry } = props;
  const names = new Map(props.entries.map((e) => [e.id, e.name]));
  const requires = prerequisiteIds(entry);
  const leadsTo = dependentIds(props.entries, entry.id);
  const course = entry.course ? safeHttpUrl(entry.course.url) : undefined;
  return (
    <Layout
      site={site}
      title={`${entry.name} | ${site.issuerName}`}
      description={entry.description}
      canonical={props.url}
    >
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <ol>
          <li>
            <a href="/achievements">Certifications</a>
          </li>
          <li>
            <a href={`/achievements#${programSlug(entry.program)}`}>{entry.program}</a>
          </li>
        </ol>
      </nav>
      <div class="credential-head">
        <figure class="credential-head__badge">
          <img
            src={`/achievements/${entry.id}/image`}
            alt={entry.image.caption ?? `Badge: ${entry.name}`}
            width={240}
            height={240}
          />
        </figure>
        <div class="credential-head__text">
          <p class="eyebrow">{entry.achievementType.replace(/^ext:/, "").replace(/([a-z])([A-Z])/g, "$1 $2")}</p>
          <h1>{entry.name}</h1>
          <p>{entry.description}</p>
          <dl class="facts">
            <div class="facts__item">
              <dt>Validity</dt>
              <dd>{validityWords(entry)}</dd>
            </div>
            {entry.humanCode ? (
              <div class="facts__item">
                <dt>Code</dt>
                <dd>{entry.humanCode}</dd>
              </div>
            ) : null}
          </dl>
        </div>
      </div>
      <section class="panel" aria-labelledby="earn-heading">
        <h2 id="earn-heading">How to earn it</h2>
        <div class="prose">{markdownHtml(entry.criteria.narrative)}</div>
        {entry.criteria.requiresApproval ? (
          <p class="notice">Meeting the criteria puts the award in a queue for approval by the issuer.</p>
        ) : null}
      </section>
      {entry.criteria.rule ? (
        <section class="panel" aria-labelledby="rule-heading">
          <h2 id="rule-heading">The criteria as they are checked</h2>
          <p class="muted">Awards are made automatically from recorded results when these conditions are met.</p>
          <RuleWords
            rule={entry.criteria.rule}
            names={{
              certification: (id) => names.get(id),
              assessment: assessmentNamer(props.entries, entry),
            }}
          />
        </section>
      ) : null}
      {requires.length > 0 || leadsTo.length > 0 ? (
        <section class="panel" aria-labelledby="path-heading">
          <h2 id="path-heading">Place in the journey</h2>
          {requires.length > 0 ? (
            <>
              <h3>Requires</h3>
              <CertificationLinks ids={requires} names={names} />
            </>
          ) : null}
          {leadsTo.length > 0 ? (
            <>
              <h3>Counts toward</h3>
              <CertificationLinks ids={leadsTo} names={names} />
            </>
          ) : null}
        </section>
      ) : null}
      {course && entry.course ? (
        <section class="panel" aria-labelledby="course-heading">
          <h2 id="course-heading">Related course</h2>
          <p>
            <a href={course}>{entry.course.name}</a>
          </p>
        </section>
      ) : null}
    </Layout>
  );
}
