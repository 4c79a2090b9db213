import { sql } from "drizzle-orm";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import type { Db } from "./db.js";
import { achievements } from "./schema.js";

/** Upserts the catalog so credentials can reference each achievement and the version they used. */
export function syncAchievements(db: Db, entries: CatalogEntry[], now: Date): void {
  db.transaction((tx) => {
    for (const entry of entries) {
      const { sourceFile: _source, ...definition } = entry;
      tx.insert(achievements)
        .values({ id: entry.id, version: entry.version, name: entry.name, definition, updatedAt: now })
        .onConflictDoUpdate({
          target: achievements.id,
          set: { version: entry.version, name: entry.name, definition, updatedAt: now },
          setWhere: sql`${achievements.version} <> ${entry.version}`,
        })
        .run();
    }
  });
}
