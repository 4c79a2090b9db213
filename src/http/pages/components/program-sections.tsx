import type { CatalogEntry } from "../../../domain/catalog/parse-catalog.js";
import { programJourneys } from "../../../domain/program-journeys.js";
import { prerequisiteIds, validityWords } from "../catalog-words.js";
import { JourneyDiagram } from "./journey-diagram.js";

/** "GitLab Technical Certifications" → "gitlab-technical-certifications" (the program's anchor). */
export function programSlug(program: string): string {
  return program
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The catalog's programs, those with a journey to draw first (they are the heart of the catalog). */
export function programsOf(entries: CatalogEntry[]): string[] {
  const withJourney = new Set(programJourneys(entries).map((j) => j.program));
  const all = [...new Set(entries.map((e) => e.program))];
  return [...all.filter((p) => withJourney.has(p)), ...all.filter((p) => !withJourney.has(p))];
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

/** Every program of the catalog: its heading (with an anchor), its journey when it has one, its certifications. */
export function ProgramSections(props: { entries: CatalogEntry[] }) {
  const { entries } = props;
  const names = new Map(entries.map((e) => [e.id, e.name]));
  const journeys = new Map(programJourneys(entries).map((j) => [j.program, j]));
  return (
    <>
      {programsOf(entries).map((program) => {
        const id = programSlug(program);
        const journey = journeys.get(program);
        const members = entries.filter((e) => e.program === program);
        return (
          <section class="program" aria-labelledby={`program-${id}`} id={id}>
            <h2 id={`program-${id}`}>{program}</h2>
            {journey ? (
              <figure class="journey-figure">
                <JourneyDiagram
                  journey={journey}
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
    </>
  );
}
