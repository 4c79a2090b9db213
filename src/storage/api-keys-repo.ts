import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "./db.js";
import { apiKeys } from "./schema.js";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function insertApiKey(tx: Tx | Db, row: typeof apiKeys.$inferInsert): void {
  tx.insert(apiKeys).values(row).run();
}

export function findApiKey(db: Db, id: string): ApiKeyRow | undefined {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

export function listApiKeys(db: Db): ApiKeyRow[] {
  return db.select().from(apiKeys).orderBy(apiKeys.createdAt).all();
}

export function countApiKeys(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(apiKeys).get()?.n ?? 0;
}

/** Marks a key revoked; false when it does not exist or was already revoked. */
export function revokeApiKey(tx: Tx | Db, id: string, at: Date): boolean {
  const result = tx
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .run();
  return result.changes > 0;
}
