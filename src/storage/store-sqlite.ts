import { AsyncLocalStorage } from "node:async_hooks";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import * as schema from "./schema.js";
import type { Conn, JsonColumn, Query, Store, Tx } from "./store.js";

const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));

/** The database and its WAL and shared-memory files hold e-mail addresses and evidence: owner-only, like the keys. */
const FILE_MODE = 0o600;

/**
 * Creates the database file owner-only before SQLite opens it (SQLite would create it with the umask's 0644; its
 * `-wal` and `-shm` files take the database file's mode), and tightens any of the three that exists with wider
 * permissions. Returns the files it tightened.
 */
function restrictFiles(path: string): string[] {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", FILE_MODE));
  const tightened: string[] = [];
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, FILE_MODE);
      tightened.push(file);
    }
  }
  return tightened;
}

export type SqliteStore = Store & {
  readonly dialect: "sqlite";
  /** The better-sqlite3 handle, for what only SQLite has (pragmas in tests, the copy command's reader). */
  readonly sqlite: Database.Database;
  /** Files whose permissions were found wider than 0600 and tightened at open. */
  readonly tightened: string[];
};

/**
 * WAL pages written before a commit checkpoints them into the database (SQLite's default: 1,000, 4 MB). A credential
 * writes about 14 KB, so bulk issuance checkpointed every third transaction of 100, copying the hot pages (indexes,
 * status entries) again each time and syncing the file; the commit runs on the thread that serves requests. With
 * 8,000 pages (a WAL of at most about 32 MB between checkpoints), issuing 4,000 credentials spent 280-320 ms of CPU in
 * COMMIT instead of 400-480 ms, and 640-810 ms of wall time instead of 1.3-1.7 s (bench/profile-window.ts bulk, loaded
 * 2-core machine).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 8_000;

/**
 * Opens (creating if needed) the embedded SQLite database: WAL, foreign keys, migrations applied. `:memory:` gives a
 * private database (tests). The one connection serves every request; write transactions take turns through a queue
 * (better-sqlite3 is synchronous, but a transaction's callback awaits, and another request's statements must not land
 * inside it).
 */
/** `Conn.jsonRows` on SQLite: `json_each` over the array; `->>` gives each value its SQL type; NULL lets an identity column number itself. */
function jsonRows(name: string, columns: readonly JsonColumn[]): SQL {
  const list = columns.map((c, i) => sql.raw(c.next ? `null as c${i}` : `value ->> ${i} as c${i}`));
  return sql`select ${sql.join(list, sql`, `)} from json_each(${sql.placeholder(name)})`;
}

export function openSqliteStore(path: string): SqliteStore {
  const tightened = path === ":memory:" ? [] : restrictFiles(path);
  const sqlite = new Database(path);
  if (path !== ":memory:") {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle({ client: sqlite, schema, casing: "snake_case" });
  migrate(db, { migrationsFolder: MIGRATIONS });
  const lastMigration = readMigrationFiles({ migrationsFolder: MIGRATIONS }).at(-1)?.folderMillis ?? 0;
  const shared = Object.assign(db as unknown as Query, {
    t: schema,
    engine: "sqlite" as const,
    statements: new Map<string, unknown>(),
    jsonRows,
  }) as Conn;
  const current = new AsyncLocalStorage<Tx>();
  let queue: Promise<unknown> = Promise.resolve();

  async function runTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = shared as Tx;
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const result = await current.run(tx, () => fn(tx));
      sqlite.exec("COMMIT");
      return result;
    } catch (error) {
      if (sqlite.inTransaction) {
        sqlite.exec("ROLLBACK");
      }
      throw error;
    }
  }

  return {
    dialect: "sqlite",
    sqlite,
    tightened,
    conn: () => current.getStore() ?? shared,
    tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const joined = current.getStore();
      if (joined) {
        return fn(joined);
      }
      const run = () => runTransaction(fn);
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    lock: async () => undefined,
    ping: async () => {
      sqlite.prepare("select 1").get();
    },
    migrated: async () => {
      const row = sqlite.prepare("select max(created_at) as last from __drizzle_migrations").get() as { last: unknown };
      return Number(row.last) >= lastMigration;
    },
    close: async () => {
      await queue;
      sqlite.close();
    },
  };
}
