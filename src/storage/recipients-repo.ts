import { eq, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { preparedFor, preparedWrite } from "./prepared.js";
import { recipients } from "./schema.js";

function statements(db: Db) {
  return preparedFor(db, "recipients", (d) => ({
    byEmail: d
      .select({ id: recipients.id, name: recipients.name })
      .from(recipients)
      .where(eq(recipients.email, sql.placeholder("email")))
      .prepare(),
    insert: preparedWrite(d, "recipients.insert", (x) =>
      x.insert(recipients).values({
        id: sql.placeholder("id"),
        email: sql.placeholder("email"),
        name: sql.placeholder("name"),
        createdAt: sql.placeholder("createdAt"),
      }),
    ),
    rename: d
      .update(recipients)
      .set({ name: sql`${sql.placeholder("name")}` })
      .where(eq(recipients.id, sql.placeholder("id")))
      .prepare(),
  }));
}

/** Returns the recipient id for an email, creating the recipient (or refreshing its name) as needed. */
export function upsertRecipient(db: Db, input: { newId: string; email: string; name: string; now: Date }): string {
  const s = statements(db);
  const existing = s.byEmail.get({ email: input.email });
  if (existing) {
    if (existing.name !== input.name) {
      s.rename.run({ id: existing.id, name: input.name });
    }
    return existing.id;
  }
  s.insert({ id: input.newId, email: input.email, name: input.name, createdAt: input.now });
  return input.newId;
}
