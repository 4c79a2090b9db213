import { eq, sql } from "drizzle-orm";
import { placeholderOf, prepared } from "./prepared.js";
import type { Tx } from "./store.js";

/** The three statements of the recipient upsert, prepared once per connection (every issuance runs them). */
function statements(tx: Tx) {
  return {
    byEmail: prepared(tx, "recipients_by_email", (d) => {
      const { recipients } = d.t;
      return d
        .select({ id: recipients.id, name: recipients.name })
        .from(recipients)
        .where(eq(recipients.email, sql.placeholder("email")))
        .limit(1);
    }),
    insert: prepared(tx, "recipients_insert", (d) => {
      const { recipients } = d.t;
      return d.insert(recipients).values({
        id: placeholderOf(recipients.id, "id"),
        email: placeholderOf(recipients.email, "email"),
        name: placeholderOf(recipients.name, "name"),
        createdAt: placeholderOf(recipients.createdAt, "createdAt"),
      });
    }),
    rename: prepared(tx, "recipients_rename", (d) => {
      const { recipients } = d.t;
      return d
        .update(recipients)
        .set({ name: sql`${sql.placeholder("name")}` })
        .where(eq(recipients.id, sql.placeholder("id")));
    }),
  };
}

/** Returns the recipient id for an email, creating the recipient (or refreshing its name) as needed. */
export async function upsertRecipient(
  tx: Tx,
  input: { newId: string; email: string; name: string; now: Date },
): Promise<string> {
  const s = statements(tx);
  const [existing] = await s.byEmail.execute({ email: input.email });
  if (existing) {
    if (existing.name !== input.name) {
      await s.rename.execute({ id: existing.id, name: input.name });
    }
    return existing.id;
  }
  await s.insert.execute({ id: input.newId, email: input.email, name: input.name, createdAt: input.now });
  return input.newId;
}
