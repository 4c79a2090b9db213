import { and, desc, eq, isNull, or } from "drizzle-orm";
import type { Conn, Tables, Tx } from "./store.js";

export type VcApiCredentialRow = Tables["vcApiCredentials"]["$inferSelect"];

/** Stores a credential issued through the VC API; call it inside the caller's transaction. */
export async function insertVcApiCredential(tx: Tx, row: Tables["vcApiCredentials"]["$inferInsert"]): Promise<void> {
  await tx.insert(tx.t.vcApiCredentials).values(row);
}

/** The VC API credentials named `credentialId` (their own `id`, or our row id), newest first. */
export async function findVcApiCredentials(db: Conn, credentialId: string): Promise<VcApiCredentialRow[]> {
  const { vcApiCredentials: c } = db.t;
  return db
    .select()
    .from(c)
    .where(or(eq(c.credentialId, credentialId), eq(c.id, credentialId)))
    .orderBy(desc(c.createdAt))
    .limit(10);
}

/** Marks a credential revoked (from any unrevoked state); false when it was revoked meanwhile. */
export async function markVcApiRevoked(tx: Tx, id: string, at: Date): Promise<boolean> {
  const { vcApiCredentials: c } = tx.t;
  const changed = await tx
    .update(c)
    .set({ revokedAt: at })
    .where(and(eq(c.id, id), isNull(c.revokedAt)))
    .returning({ id: c.id });
  return changed.length > 0;
}

/** Suspends (`at`) or reinstates (null) an unrevoked credential; false when its state moved meanwhile. */
export async function markVcApiSuspended(tx: Tx, id: string, at: Date | null): Promise<boolean> {
  const { vcApiCredentials: c } = tx.t;
  const changed = await tx
    .update(c)
    .set({ suspendedAt: at })
    .where(and(eq(c.id, id), isNull(c.revokedAt)))
    .returning({ id: c.id });
  return changed.length > 0;
}
