import { and, desc, lt, type SQL } from "drizzle-orm";
import type { Conn, Tables, Tx } from "./store.js";

export type MailOutboxRow = Tables["mailOutbox"]["$inferSelect"];

/** Keeps an e-mail in the local mail outbox (once per message: a repeat changes nothing). */
export async function insertMailOutbox(tx: Tx, row: Omit<MailOutboxRow, "seq">): Promise<void> {
  const { mailOutbox } = tx.t;
  await tx.insert(mailOutbox).values(row).onConflictDoNothing({ target: mailOutbox.messageId });
}

/** The local mail outbox, newest first. */
export async function listMailOutbox(db: Conn, query: { before?: number; limit: number }): Promise<MailOutboxRow[]> {
  const { mailOutbox } = db.t;
  const filters: SQL[] = [];
  if (query.before !== undefined) {
    filters.push(lt(mailOutbox.seq, query.before));
  }
  return db
    .select()
    .from(mailOutbox)
    .where(and(...filters))
    .orderBy(desc(mailOutbox.seq))
    .limit(query.limit);
}
