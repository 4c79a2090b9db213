import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import { plural } from "../../domain/criteria/format.js";
import { ProgramSections, programSlug, programsOf } from "./components/program-sections.js";
import { Layout } from "./layout.js";
import type { Site } from "./site.js";

/** GET /achievements for browsers: every certification, grouped by program, with each program's journey. */
export function CatalogPage(props: { site: Site; entries: CatalogEntry[]; url: string }) {
  const { site, entries } = props;
  const programs = programsOf(entries);
  return (
    <Layout
      site={site}
      title={`Certifications | ${site.issuerName}`}
      description={`The certifications ${site.issuerName} awards, by program, and how each is earned.`}
      canonical={props.url}
    >
      <h1>Certifications</h1>
      <p class="lead">
        {site.issuerName} awards {plural(entries.length, "certification")} in {plural(programs.length, "program")}, each
        as an Open Badges 3.0 credential that anyone can verify.
      </p>
      <nav aria-label="Programs" class="toc">
        <ul>
          {programs.map((program) => (
            <li>
              <a href={`#${programSlug(program)}`}>{program}</a>{" "}
              <span class="muted">({entries.filter((e) => e.program === program).length})</span>
            </li>
          ))}
        </ul>
      </nav>
      <ProgramSections entries={entries} />
    </Layout>
  );
}
