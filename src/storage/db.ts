import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

/**
 * A connection: drizzle over better-sqlite3, with the statements prepared on it so far (by key, see prepared.ts).
 * They live and die with the connection, so they are part of it.
 */
export type Db = BetterSQLite3Database<typeof schema> & {
  $client: Database.Database;
  $statements: Map<string, unknown>;
};
/** The handle a synchronous transaction callback receives. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

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

/**
 * Opens (creating if needed) the SQLite database, sets WAL and foreign keys, and applies the
 * checked-in migrations synchronously. `:memory:` gives a private database (tests). The files are
 * owner-only (0600); `tightened` lists those that were found wider and tightened.
 */
export function openDb(path: string): { db: Db; close: () => void; tightened: string[] } {
  const tightened = path === ":memory:" ? [] : restrictFiles(path);
  const sqlite = new Database(path);
  if (path !== ":memory:") {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
  }
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = Object.assign(drizzle({ client: sqlite, schema, casing: "snake_case" }), {
    $statements: new Map<string, unknown>(),
  });
  migrate(db, { migrationsFolder: MIGRATIONS });
  return { db, close: () => sqlite.close(), tightened };
}
