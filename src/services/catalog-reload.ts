import type { Catalog, CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { CatalogError } from "../domain/catalog/parse-catalog.js";
import { AppError } from "../errors.js";
import { syncAchievements } from "../storage/achievements-repo.js";
import { appendAudit } from "../storage/audit-repo.js";
import type { ServiceContext } from "./deps.js";

/** What a reload changed, by certification id, and where it applied. */
export type CatalogReloadResult = {
  /** The certifications now in the catalog. */
  count: number;
  added: string[];
  /** Certifications whose definition changed (a new version: credentials issued from now on carry it). */
  changed: string[];
  /** Certifications no longer in the catalog (their credentials stay valid and verifiable). */
  removed: string[];
  /** The node (process) that applied it: a reload is per node (see `reloadCatalog`). */
  node: string;
};

/** The file a catalog problem names (its first word up to ":"), for the problem's `path`. */
function fileOf(problem: string): string {
  const match = /^(?:rule \S+ in )?([^\s:]+\.ya?ml)\b/.exec(problem);
  return match?.[1] ?? "templates/achievements";
}

/** What changed between two catalogs, by id. */
function changesOf(before: readonly CatalogEntry[], after: readonly CatalogEntry[]) {
  const old = new Map(before.map((e) => [e.id, e.version]));
  const now = new Set(after.map((e) => e.id));
  return {
    added: after.filter((e) => !old.has(e.id)).map((e) => e.id),
    changed: after.filter((e) => old.has(e.id) && old.get(e.id) !== e.version).map((e) => e.id),
    removed: before.filter((e) => !now.has(e.id)).map((e) => e.id),
  };
}

/**
 * Reads the definition files under `<templatesDir>/achievements` again, validates them exactly as a start does, and
 * applies them without a restart: the new definitions recorded in the database (so credentials can reference their
 * versions) and the reload audited in one transaction, then this process's catalog replaced in place. Any problem
 * (a file, a field, a rule, a duplicate id) refuses the reload with each problem named by file and field, and nothing
 * is applied. Artwork and e-mail templates are not reloaded (they change with a restart).
 *
 * Per node: each node reads its own templates folder, so on several nodes (PostgreSQL) the reload applies to the node
 * that served it, which the result and the audit entry name; reload on each node (or restart them) after deploying
 * new definition files to every one.
 */
export async function reloadCatalog(ctx: ServiceContext, actor: string): Promise<CatalogReloadResult> {
  let next: Catalog;
  try {
    next = ctx.readCatalog();
  } catch (error) {
    if (!(error instanceof CatalogError)) {
      throw error;
    }
    const problems = error.message.split("\n").filter((line) => line.trim() !== "");
    throw new AppError("VALIDATION_FAILED", "The catalog definitions are not valid: nothing was applied", {
      errors: problems.map((message) => ({ path: fileOf(message), message })),
    });
  }
  const changes = changesOf(ctx.catalog.entries, next.entries);
  const now = ctx.clock();
  const result: CatalogReloadResult = { count: next.entries.length, ...changes, node: ctx.nodeId };
  await ctx.store.tx(async (tx) => {
    await syncAchievements(tx, next.entries, now);
    await appendAudit(tx, {
      at: now,
      actor,
      action: "catalog.reloaded",
      targetType: "catalog",
      targetId: "achievements",
      details: { ...result },
    });
  });
  // in place: whatever holds the catalog object (every request's context, the background jobs) sees the new one
  Object.assign(ctx.catalog, { entries: next.entries, get: next.get, items: next.items });
  return result;
}
