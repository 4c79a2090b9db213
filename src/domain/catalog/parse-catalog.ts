import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type AchievementDefinition, AchievementDefinitionSchema, DefinitionFileSchema } from "./definition-schema.js";

/** A definition with where it came from and a content hash that versions it. */
export type CatalogEntry = AchievementDefinition & { sourceFile: string; version: string };

export type Catalog = {
  entries: CatalogEntry[];
  get(id: string): CatalogEntry | undefined;
};

/** A catalog problem, named by file and field, that stops the start. */
export class CatalogError extends Error {
  override name = "CatalogError";
}

const PLACEHOLDER = /\{([a-z][a-zA-Z0-9]*)\.([a-zA-Z0-9]+)\}/g;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

/** Replaces `{param.key}` in every string of a YAML value; an unknown key is reported with its path. */
function substitute(value: unknown, param: string, values: Record<string, string>, path: string): unknown {
  if (typeof value === "string") {
    return value.replace(PLACEHOLDER, (match, name: string, key: string) => {
      if (name !== param) {
        throw new CatalogError(
          `${path}: placeholder ${match} names "${name}", but the variant parameter is "${param}"`,
        );
      }
      const replacement = values[key];
      if (replacement === undefined) {
        throw new CatalogError(`${path}: placeholder ${match} has no value "${key}" in this variant`);
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => substitute(item, param, values, `${path}[${i}]`));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, param, values, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}

function versionOf(definition: AchievementDefinition): string {
  return createHash("sha256").update(JSON.stringify(definition)).digest("hex").slice(0, 16);
}

/** Parses one definition file into one or more definitions (one per variant). */
function parseDefinitionFile(fileName: string, text: string): CatalogEntry[] {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new CatalogError(`${fileName}: not valid YAML: ${(error as Error).message}`);
  }
  const file = DefinitionFileSchema.safeParse(raw);
  if (!file.success) {
    throw new CatalogError(`${fileName}: ${describe(file.error)}`);
  }
  const { variants, ...template } = file.data;
  const expanded = variants
    ? variants.values.map((values, i) => ({
        label: `${fileName} (variant ${i}: ${values.id})`,
        data: substitute(template, variants.param, values, ""),
      }))
    : [{ label: fileName, data: template as unknown }];
  return expanded.map(({ label, data }) => {
    const parsed = AchievementDefinitionSchema.safeParse(data);
    if (!parsed.success) {
      throw new CatalogError(`${label}: ${describe(parsed.error)}`);
    }
    return { ...parsed.data, sourceFile: fileName, version: versionOf(parsed.data) };
  });
}

/** Builds the catalog from definition files; any invalid file or duplicate id throws a CatalogError. */
export function parseCatalog(files: Array<{ name: string; text: string }>): Catalog {
  const byId = new Map<string, CatalogEntry>();
  for (const file of files) {
    for (const entry of parseDefinitionFile(file.name, file.text)) {
      const clash = byId.get(entry.id);
      if (clash) {
        throw new CatalogError(`${file.name}: id "${entry.id}" is already defined in ${clash.sourceFile}`);
      }
      byId.set(entry.id, entry);
    }
  }
  if (byId.size === 0) {
    throw new CatalogError("the catalog is empty: add definition files to templates/achievements/");
  }
  const entries = [...byId.values()];
  return { entries, get: (id) => byId.get(id) };
}
