import { and, eq, lte, or, sql } from "drizzle-orm";
import type { Tx } from "./store.js";

/**
 * Takes the lease `name` for `holder` until `until`, or renews it when `holder` already has it: one upsert that writes
 * only when the lease is free, expired at `now`, or held by `holder` (so two nodes asking at once get one answer
 * each, from the database). True when `holder` holds it now.
 */
export async function acquireLease(
  tx: Tx,
  lease: { name: string; holder: string; now: Date; until: Date },
): Promise<boolean> {
  const { leases } = tx.t;
  const taken = await tx
    .insert(leases)
    .values({ name: lease.name, holder: lease.holder, expiresAt: lease.until })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder: sql`excluded.holder`, expiresAt: sql`excluded.expires_at` },
      setWhere: or(lte(leases.expiresAt, lease.now), eq(leases.holder, lease.holder)),
    })
    .returning({ holder: leases.holder });
  return taken.length > 0;
}

/** Gives the lease up (at shutdown), if `holder` still holds it: another node may take it at once. */
export async function releaseLease(tx: Tx, lease: { name: string; holder: string }): Promise<boolean> {
  const { leases } = tx.t;
  const released = await tx
    .delete(leases)
    .where(and(eq(leases.name, lease.name), eq(leases.holder, lease.holder)))
    .returning({ name: leases.name });
  return released.length > 0;
}
