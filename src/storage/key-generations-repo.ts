import { sql } from "drizzle-orm";
import type { Conn, Tables, Tx } from "./store.js";

export type KeyGenerationRow = Tables["keyGenerations"]["$inferSelect"];

/** The newest key generation recorded as activated, if any. */
export async function newestKeyGeneration(db: Conn): Promise<number | undefined> {
  const { keyGenerations } = db.t;
  const [row] = await db
    .select({ generation: sql<number | null>`max(${keyGenerations.generation})`.mapWith(Number) })
    .from(keyGenerations);
  return row?.generation ?? undefined;
}

/** Records a generation as activated; false when it already was. */
export async function recordKeyGeneration(tx: Tx, row: KeyGenerationRow): Promise<boolean> {
  const { keyGenerations } = tx.t;
  const inserted = await tx
    .insert(keyGenerations)
    .values(row)
    .onConflictDoNothing({ target: keyGenerations.generation })
    .returning({ generation: keyGenerations.generation });
  return inserted.length > 0;
}
