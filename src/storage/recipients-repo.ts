import { eq, inArray, sql } from "drizzle-orm";
import { encodeRows, executeRows, fixedLimit, placeholderOf, placeholderRows, prepared, rowRuns } from "./prepared.js";
import type { JsonColumn, Tx } from "./store.js";

/** The three statements of the recipient upsert, prepared once per connection (every issuance runs them). */
function statements(tx: Tx) {
  return {
    byEmail: prepared(tx, "recipients_by_email", (d) => {
      const { recipients } = d.t;
      return d
        .select({ id: recipients.id, name: recipients.name })
        .from(recipients)
        .where(eq(recipients.email, sql.placeholder("email")))
        .limit(fixedLimit(1));
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

/**
 * upsertRecipient for many, in order, as if called for each in turn: returns each one's recipient id (the first of an
 * email's that creates it gives the id, a later one with another name renames it). One SELECT of every email (prepared
 * once) and one multi-row INSERT per hundred new recipients (prepared once per row count), a rename only where a name changed.
 */
export async function upsertRecipients(
  tx: Tx,
  inputs: readonly { newId: string; email: string; name: string; now: Date }[],
): Promise<string[]> {
  const known = new Map<string, { id: string; name: string; stored: boolean }>();
  const emails = [...new Set(inputs.map((input) => input.email))];
  const columns: JsonColumn[] = [{ key: "email", column: tx.t.recipients.email }];
  // prepared once, whatever the number of emails (the list is one JSON parameter): built and compiled per batch, the
  // SELECT … IN of a bulk job's 25 emails cost more than its rows
  const byEmails = prepared(tx, "recipients_by_emails", (d) => {
    const { recipients } = d.t;
    return d
      .select({ id: recipients.id, email: recipients.email, name: recipients.name })
      .from(recipients)
      .where(inArray(recipients.email, sql`(select s.c0 from (${d.jsonRows("emails", columns)}) as s)`));
  });
  const rows = (await byEmails.execute({
    emails: encodeRows(
      emails.map((email) => ({ email })),
      columns,
    ),
  })) as { id: string; email: string; name: string }[];
  for (const row of rows) {
    known.set(row.email, { id: row.id, name: row.name, stored: true });
  }
  const created = new Map<string, { id: string; email: string; name: string; createdAt: Date }>();
  const renamed = new Map<string, string>();
  const ids = inputs.map(({ newId, email, name, now }) => {
    const existing = known.get(email);
    if (!existing) {
      known.set(email, { id: newId, name, stored: false });
      created.set(email, { id: newId, email, name, createdAt: now });
      return newId;
    }
    if (existing.name !== name) {
      existing.name = name;
      if (existing.stored) {
        renamed.set(existing.id, name);
      } else {
        (created.get(email) as { name: string }).name = name;
      }
    }
    return existing.id;
  });
  const keys = ["id", "email", "name", "createdAt"];
  for (const run of rowRuns(Array.from(created, ([, row]) => row))) {
    const insert = prepared(tx, `recipients_insert_rows_${run.length}`, (d) => {
      const { recipients: r } = d.t;
      const columns = { id: r.id, email: r.email, name: r.name, createdAt: r.createdAt };
      return d.insert(r).values(placeholderRows(columns, run.length) as never);
    });
    await executeRows(tx, insert, run, keys);
  }
  const s = statements(tx);
  for (const [id, name] of renamed) {
    await s.rename.execute({ id, name });
  }
  return ids;
}
