import { getTableName, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Conn, Store } from "../../src/storage/store.js";

/** The table named `name` in SQL (`status_entries`), in the store's own dialect. */
function tableNamed(conn: Conn, name: string): SQLiteTable {
  const table = Object.values(conn.t).find((t) => getTableName(t) === name);
  if (!table) {
    throw new Error(`no table ${name}`);
  }
  return table as SQLiteTable;
}

/** How many rows a table holds (by its SQL name), read through the store: the same on either database. */
export async function countRows(store: Store, name: string): Promise<number> {
  const conn = store.conn();
  const [row] = await conn.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(tableNamed(conn, name));
  return row?.n ?? 0;
}

/**
 * What a database refused, in words: every message along the error's cause chain (drizzle reports PostgreSQL's errors
 * as the cause of its own "Failed query"). Fails when `work` succeeds.
 */
export async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      messages.push(e.message);
    }
    return messages.join("\n");
  }
  throw new Error("the database accepted what it should have refused");
}
