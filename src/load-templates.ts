import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Catalog, CatalogError, parseCatalog } from "./domain/catalog/parse-catalog.js";

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
