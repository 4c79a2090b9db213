import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Artwork, SvgTemplate } from "./baking/artwork.js";
import { BADGE_LEVELS, type BadgeLevel } from "./domain/catalog/definition-schema.js";
import { type Catalog, CatalogError, parseCatalog } from "./domain/catalog/parse-catalog.js";
import { EMAIL_KINDS, type EmailTemplates, parseEmailTemplates } from "./domain/email/messages.js";
import { TemplateError } from "./domain/email/template.js";

/** Reads every `*.yaml` definition under `<templatesDir>/achievements` into a validated catalog. */
export function loadCatalog(templatesDir: string): Catalog {
  const dir = join(templatesDir, "achievements");
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".yaml") || n.endsWith(".yml"))
      .sort();
  } catch {
    throw new CatalogError(`cannot read the definitions folder ${dir}`);
  }
  return parseCatalog(names.map((name) => ({ name: join(dir, name), text: readFileSync(join(dir, name), "utf8") })));
}

function readTemplate(path: string): SvgTemplate {
  let svg: string;
  try {
    svg = readFileSync(path, "utf8");
  } catch {
    throw new CatalogError(`missing artwork template ${path}`);
  }
  if (!svg.trimStart().startsWith("<svg")) {
    throw new CatalogError(`${path}: an artwork template must start with <svg`);
  }
  return { svg, version: createHash("sha256").update(svg).digest("hex").slice(0, 12) };
}

export function loadArtwork(templatesDir: string): Artwork {
  const badges = Object.fromEntries(
    BADGE_LEVELS.map((level) => [level, readTemplate(join(templatesDir, "badges", `${level}.svg`))]),
  ) as Record<BadgeLevel, SvgTemplate>;
  return { badges, shareCard: readTemplate(join(templatesDir, "share-card.svg")) };
}

function readText(path: string): { name: string; source: string } {
  try {
    return { name: path, source: readFileSync(path, "utf8") };
  } catch {
    throw new CatalogError(`missing e-mail template ${path}`);
  }
}

/**
 * Reads the e-mail templates, `<templatesDir>/emails/<kind>.txt` and `.html` for every kind, and checks each against
 * sample data: a template naming an unknown value stops the start (a CatalogError naming the file and line).
 */
export function loadEmailTemplates(templatesDir: string): EmailTemplates {
  const dir = join(templatesDir, "emails");
  const entries = EMAIL_KINDS.map((kind) => {
    try {
      const text = readText(join(dir, `${kind}.txt`));
      const html = readText(join(dir, `${kind}.html`));
      return [kind, parseEmailTemplates(kind, { text, html })] as const;
    } catch (error) {
      throw error instanceof TemplateError ? new CatalogError(error.message) : error;
    }
  });
  return Object.fromEntries(entries) as EmailTemplates;
}
