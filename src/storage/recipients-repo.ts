import { eq } from "drizzle-orm";
import type { Db, Tx } from "./db.js";
import { recipients } from "./schema.js";

/** Returns the recipient id for an email, creating the recipient (or refreshing its name) as needed. */
export function upsertRecipient(tx: Tx | Db, input: { newId: string; email: string; name: string; now: Date }): string {
  const existing = tx.select().from(recipients).where(eq(recipients.email, input.email)).get();
  if (existing) {
    if (existing.name !== input.name) {
      tx.update(recipients).set({ name: input.name }).where(eq(recipients.id, existing.id)).run();
    }
    return existing.id;
  }
  tx.insert(recipients).values({ id: input.newId, email: input.email, name: input.name, createdAt: input.now }).run();
  return input.newId;
}
