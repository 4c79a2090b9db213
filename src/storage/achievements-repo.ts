import { sql } from "drizzle-orm";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import type { Tx } from "./store.js";

/** Upserts the catalog so credentials can reference each achievement and the version they used. */
export async function syncAchievements(tx: Tx, entries: CatalogEntry[], now: Date): Promise<void> {
  const { achievements } = tx.t;
  for (const entry of entries) {
    const { sourceFile: _source, ...definition } = entry;
    await tx
      .insert(achievements)
      .values({ id: entry.id, version: entry.version, name: entry.name, definition, updatedAt: now })
      .onConflictDoUpdate({
        target: achievements.id,
        set: { version: entry.version, name: entry.name, definition, updatedAt: now },
        setWhere: sql`${achievements.version} <> ${entry.version}`,
      });
  }
}
