import { and, eq, isNull, sql } from "drizzle-orm";
import { fixedLimit, prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type ApiKeyRow = Tables["apiKeys"]["$inferSelect"];

export async function insertApiKey(tx: Tx, row: Tables["apiKeys"]["$inferInsert"]): Promise<void> {
  await tx.insert(tx.t.apiKeys).values(row);
}

export async function findApiKey(db: Conn, id: string): Promise<ApiKeyRow | undefined> {
  // Every authenticated request reads its key: prepared once per connection.
  const query = prepared(db, "api_key_by_id", (d) => {
    const { apiKeys } = d.t;
    return d
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.id, sql.placeholder("id")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ id }))[0];
}

export async function listApiKeys(db: Conn): Promise<ApiKeyRow[]> {
  const { apiKeys } = db.t;
  // the id breaks ties (keys created in the same millisecond): the same order on either database
  return db.select().from(apiKeys).orderBy(apiKeys.createdAt, apiKeys.id);
}

export async function countApiKeys(db: Conn): Promise<number> {
  const { apiKeys } = db.t;
  const [row] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(apiKeys);
  return row?.n ?? 0;
}

/** Marks a key revoked; false when it does not exist or was already revoked. */
export async function revokeApiKey(tx: Tx, id: string, at: Date): Promise<boolean> {
  const { apiKeys } = tx.t;
  const changed = await tx
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return changed.length > 0;
}

/** Sets a key's own rate limit (null: the default); false when there is no such key. */
export async function setApiKeyRateLimit(tx: Tx, id: string, perMinute: number | null): Promise<boolean> {
  const { apiKeys } = tx.t;
  const changed = await tx
    .update(apiKeys)
    .set({ rateLimitPerMinute: perMinute })
    .where(eq(apiKeys.id, id))
    .returning({ id: apiKeys.id });
  return changed.length > 0;
}
