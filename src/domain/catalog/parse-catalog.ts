import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { findReservedKey } from "../reserved-keys.js";
import { type CatalogItems, indexCatalogItems } from "./catalog-items.js";
import { checkCriteria } from "./check-criteria.js";
import { type AchievementDefinition, AchievementDefinitionSchema, DefinitionFileSchema } from "./definition-schema.js";

/** A definition with where it came from and a content hash that versions it. */
export type CatalogEntry = AchievementDefinition & { sourceFile: string; version: string };

export type Catalog = {
  entries: CatalogEntry[];
  get(id: string): CatalogEntry | undefined;
  /** The assessment, completion and form ids the criteria name, and how each is graded (see catalog-items.ts). */
  items: CatalogItems;
};

/** A catalog problem, named by file and field, that stops the start. */
export class CatalogError extends Error {
  override name = "CatalogError";
}

const PLACEHOLDER = /\{([a-z][a-zA-Z0-9]*)\.([a-zA-Z0-9]+)\}/g;

/** A zod issue as far as describing it needs (unions carry each alternative's issues in `errors`). */
type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][]; values?: unknown[] };

/** Is this issue "`type` is not this alternative's literal" (a rule of another kind)? */
const isTypeMismatch = (i: Issue) => i.code === "invalid_value" && i.path.length === 1 && i.path[0] === "type";

/**
 * Flattens a zod issue into leaf problems with full paths. A failed rule union (`criteria.rule` and every
 * nested `of`) is reported through the alternative whose `type` matched, so "passMark: too big" surfaces
 * at its own path rather than as "Invalid input"; an unknown `type` lists the kinds that exist.
 */
function flatten(issue: Issue, prefix: PropertyKey[]): Array<{ path: PropertyKey[]; message: string }> {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors && issue.errors.length > 0) {
    const matching = issue.errors.filter((branch) => !branch.some(isTypeMismatch));
    const [branch] = matching;
    if (matching.length === 1 && branch) {
      return branch.flatMap((i) => flatten(i, path));
    }
    if (matching.length === 0) {
      const kinds = issue.errors.flatMap((b) => b.filter(isTypeMismatch).flatMap((i) => i.values ?? []));
      return [{ path: [...path, "type"], message: `must be one of ${kinds.map((k) => JSON.stringify(k)).join(", ")}` }];
    }
  }
  return [{ path, message: issue.message }];
}

/** The id of the innermost rule on `path` (a path under criteria.rule), read from the unparsed data. */
function ruleIdAt(data: unknown, path: PropertyKey[]): string | undefined {
  if (path[0] !== "criteria" || path[1] !== "rule") {
    return undefined;
  }
  let node: unknown = (data as { criteria?: { rule?: unknown } } | undefined)?.criteria?.rule;
  let id: string | undefined;
  for (const key of [undefined, ...path.slice(2)]) {
    if (key !== undefined) {
      node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
    const candidate =
      node && typeof node === "object" && !Array.isArray(node) ? (node as { id?: unknown }).id : undefined;
    if (typeof candidate === "string" && candidate.length > 0) {
      id = candidate;
    }
  }
  return id;
}

/** "name: must not be empty; rule written: criteria.rule.of.1.passMark: Too big: …" (rule ids from `data`). */
function describe(error: z.ZodError, data?: unknown): string {
  return error.issues
    .flatMap((issue) => flatten(issue as unknown as Issue, []))
    .map(({ path, message }) => {
      const where = path.map(String).join(".") || "(root)";
      const ruleId = ruleIdAt(data, path);
      return ruleId ? `rule ${ruleId}: ${where}: ${message}` : `${where}: ${message}`;
    })
    .join("; ");
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
      const replacement = Object.hasOwn(values, key) ? values[key] : undefined;
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

/** Parses one definition file into one or more definitions (one per variant), each with its label. */
function parseDefinitionFile(fileName: string, text: string): Array<{ label: string; entry: CatalogEntry }> {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new CatalogError(`${fileName}: not valid YAML: ${(error as Error).message}`);
  }
  const reserved = findReservedKey(raw);
  if (reserved) {
    throw new CatalogError(`${fileName}: ${reserved.path}: "${reserved.key}" is not accepted as a property name`);
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
      throw new CatalogError(`${label}: ${describe(parsed.error, data)}`);
    }
    return { label, entry: { ...parsed.data, sourceFile: fileName, version: versionOf(parsed.data) } };
  });
}

/**
 * Builds the catalog from definition files; any invalid file, duplicate id or unsound criteria (a rule tree
 * that does not validate, an unknown prerequisite, a prerequisite cycle) throws a CatalogError naming the
 * file and the rule.
 */
export function parseCatalog(files: Array<{ name: string; text: string }>): Catalog {
  const byId = new Map<string, CatalogEntry>();
  const labels = new Map<string, string>();
  for (const file of files) {
    for (const { label, entry } of parseDefinitionFile(file.name, file.text)) {
      const clash = byId.get(entry.id);
      if (clash) {
        throw new CatalogError(`${file.name}: id "${entry.id}" is already defined in ${clash.sourceFile}`);
      }
      byId.set(entry.id, entry);
      labels.set(entry.id, label);
    }
  }
  if (byId.size === 0) {
    throw new CatalogError("the catalog is empty: add definition files to templates/achievements/");
  }
  const entries = [...byId.values()];
  const sources = entries.map((e) => ({
    certification: e.id,
    label: labels.get(e.id) ?? e.sourceFile,
    rule: e.criteria.rule,
  }));
  const problems = checkCriteria(sources);
  const { items, problems: itemProblems } = indexCatalogItems(sources);
  problems.push(...itemProblems);
  if (problems.length > 0) {
    throw new CatalogError(problems.join("\n"));
  }
  return { entries, get: (id) => byId.get(id), items };
}
