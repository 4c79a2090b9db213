import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { fixedLimit, prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type WebhookEndpointRow = Tables["webhookEndpoints"]["$inferSelect"];

export async function insertWebhookEndpoint(tx: Tx, row: WebhookEndpointRow): Promise<void> {
  await tx.insert(tx.t.webhookEndpoints).values(row);
}

/** One endpoint (prepared once: every webhook attempt reads its endpoint). */
export async function findWebhookEndpoint(db: Conn, id: string): Promise<WebhookEndpointRow | undefined> {
  const query = prepared(db, "webhook_endpoint_find", (d) =>
    d
      .select()
      .from(d.t.webhookEndpoints)
      .where(eq(d.t.webhookEndpoints.id, sql.placeholder("id")))
      .limit(fixedLimit(1)),
  );
  const [row] = await query.execute({ id });
  return row;
}

/** Every endpoint, oldest first (an installation has a handful). */
export async function listWebhookEndpoints(db: Conn): Promise<WebhookEndpointRow[]> {
  const { webhookEndpoints: w } = db.t;
  return db.select().from(w).orderBy(asc(w.createdAt), asc(w.id));
}

/** The enabled endpoints, to which new events are owed. */
export async function enabledWebhookEndpoints(db: Conn): Promise<WebhookEndpointRow[]> {
  const query = prepared(db, "webhook_endpoints_enabled", (d) => {
    const { webhookEndpoints: w } = d.t;
    return d.select().from(w).where(eq(w.enabled, true)).orderBy(asc(w.createdAt), asc(w.id));
  });
  return query.execute();
}

/** Ends an endpoint's failure streak, if it has one (a write only then: the common success costs one statement). */
export async function clearEndpointFailing(tx: Tx, id: string): Promise<void> {
  const update = prepared(tx, "webhook_endpoint_clear_failing", (d) => {
    const { webhookEndpoints: w } = d.t;
    return d
      .update(w)
      .set({ failingSince: null })
      .where(and(eq(w.id, sql.placeholder("id")), isNotNull(w.failingSince)));
  });
  await update.execute({ id });
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
