import { getTableName, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Conn, Store } from "../../src/storage/store.js";
import type { PgStore } from "../../src/storage/store-pg.js";
import type { SqliteStore } from "../../src/storage/store-sqlite.js";

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

/**
 * Makes the store refuse writes as a full disk or a read-only database would, until the returned function undoes it.
 * SQLite: its page limit stands in for the disk (SQLITE_FULL); a pragma makes the connection read-only
 * (SQLITE_READONLY). PostgreSQL: a trigger on every table raises what the server raises then: 53100 disk_full, or 25006
 * read_only_sql_transaction (a standby, a database set read-only).
 */
export async function refuseWrites(store: Store, as: "full" | "read-only"): Promise<() => Promise<void>> {
  if (store.dialect === "sqlite") {
    const { sqlite } = store as SqliteStore;
    if (as === "full") {
      sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true })}`);
      return async () => {
        sqlite.pragma("max_page_count = 1073741823");
      };
    }
    sqlite.pragma("query_only = 1");
    return async () => {
      sqlite.pragma("query_only = 0");
    };
  }
  const { pool } = store as PgStore;
  const state = as === "full" ? "53100" : "25006";
  const tables = Object.values(store.conn().t).map((t) => getTableName(t));
  await pool.query(`create function test_refuse_writes() returns trigger language plpgsql as $$
    begin raise exception 'writes refused by the test' using errcode = '${state}'; end $$`);
  for (const table of tables) {
    await pool.query(
      `create trigger test_refuse_writes before insert or update on ${table} for each row execute function test_refuse_writes()`,
    );
  }
  return async () => {
    await pool.query("drop function test_refuse_writes() cascade");
  };
}
