import { and, asc, eq, isNull } from "drizzle-orm";
import type { Conn, Tables, Tx } from "./store.js";

export type WebhookEndpointRow = Tables["webhookEndpoints"]["$inferSelect"];

export async function insertWebhookEndpoint(tx: Tx, row: WebhookEndpointRow): Promise<void> {
  await tx.insert(tx.t.webhookEndpoints).values(row);
}

export async function findWebhookEndpoint(db: Conn, id: string): Promise<WebhookEndpointRow | undefined> {
  const { webhookEndpoints: w } = db.t;
  const [row] = await db.select().from(w).where(eq(w.id, id)).limit(1);
  return row;
}

/** Every endpoint, oldest first (an installation has a handful). */
export async function listWebhookEndpoints(db: Conn): Promise<WebhookEndpointRow[]> {
  const { webhookEndpoints: w } = db.t;
  return db.select().from(w).orderBy(asc(w.createdAt), asc(w.id));
}

/** The enabled endpoints, to which new events are owed. */
export async function enabledWebhookEndpoints(db: Conn): Promise<WebhookEndpointRow[]> {
  const { webhookEndpoints: w } = db.t;
  return db.select().from(w).where(eq(w.enabled, true)).orderBy(asc(w.createdAt), asc(w.id));
}

export async function updateWebhookEndpoint(
  tx: Tx,
  id: string,
  changes: Partial<Omit<WebhookEndpointRow, "id" | "createdAt" | "secret">>,
): Promise<WebhookEndpointRow | undefined> {
  const { webhookEndpoints: w } = tx.t;
  const [row] = await tx.update(w).set(changes).where(eq(w.id, id)).returning();
  return row;
}

export async function deleteWebhookEndpoint(tx: Tx, id: string): Promise<boolean> {
  const { webhookEndpoints: w } = tx.t;
  const rows = await tx.delete(w).where(eq(w.id, id)).returning({ id: w.id });
  return rows.length > 0;
}

/** Marks an endpoint failing from `at`, unless it already was (the earlier start counts). */
export async function markEndpointFailing(tx: Tx, id: string, at: Date): Promise<void> {
  const { webhookEndpoints: w } = tx.t;
  await tx
    .update(w)
    .set({ failingSince: at })
    .where(and(eq(w.id, id), isNull(w.failingSince)));
}
