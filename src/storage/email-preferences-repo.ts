import { eq, sql } from "drizzle-orm";
import { fixedLimit, placeholderOf, prepared } from "./prepared.js";
import type { Conn, Tx } from "./store.js";

/** The recipient with this address, if any (prepared once: every e-mail sent reads it). */
export async function recipientIdByEmail(db: Conn, email: string): Promise<string | undefined> {
  const query = prepared(db, "recipients_id_by_email", (d) => {
    const { recipients } = d.t;
    return d
      .select({ id: recipients.id })
      .from(recipients)
      .where(eq(recipients.email, sql.placeholder("email")))
      .limit(fixedLimit(1));
  });
  const [row] = await query.execute({ email });
  return row?.id;
}

/** Whether a recipient gets reminders (yes unless they turned them off). */
export async function remindersWanted(db: Conn, recipientId: string): Promise<boolean> {
  const { emailPreferences: p } = db.t;
  const [row] = await db.select({ reminders: p.reminders }).from(p).where(eq(p.recipientId, recipientId)).limit(1);
  return row?.reminders ?? true;
}

export async function setRemindersWanted(tx: Tx, recipientId: string, reminders: boolean, now: Date): Promise<void> {
  const { emailPreferences: p } = tx.t;
  await tx
    .insert(p)
    .values({ recipientId, reminders, updatedAt: now })
    .onConflictDoUpdate({ target: p.recipientId, set: { reminders, updatedAt: now } });
}

export async function insertPreferenceToken(
  tx: Tx,
  row: { tokenHash: string; recipientId: string; createdAt: Date },
): Promise<void> {
  const insert = prepared(tx, "preference_token_insert", (d) => {
    const { preferenceTokens: t } = d.t;
    return d.insert(t).values({
      tokenHash: placeholderOf(t.tokenHash, "tokenHash"),
      recipientId: placeholderOf(t.recipientId, "recipientId"),
      createdAt: placeholderOf(t.createdAt, "createdAt"),
    });
  });
  await insert.execute(row);
}

/** The recipient a preference token (by its hash) belongs to. */
export async function recipientOfToken(db: Conn, tokenHash: string): Promise<string | undefined> {
  const { preferenceTokens: t } = db.t;
  const [row] = await db.select({ recipientId: t.recipientId }).from(t).where(eq(t.tokenHash, tokenHash)).limit(1);
  return row?.recipientId;
}
