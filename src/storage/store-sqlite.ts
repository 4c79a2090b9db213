import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import * as schema from "./schema.js";
import type { Conn, JsonColumn, Query, Store, Tx } from "./store.js";
import { transactionContext } from "./transaction-context.js";

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
  /**
   * Checkpoints the WAL now on the checkpointer thread (it does so every WAL_CHECKPOINT_INTERVAL_MS anyway); false
   * when there is none (`:memory:`, or its thread was lost: the connection's own autocheckpoint still runs).
   */
  checkpointWal(): Promise<boolean>;
};

/**
 * How often the checkpointer thread copies the WAL's committed pages into the database (a PASSIVE checkpoint, which
 * never waits for the writer): the WAL stays short (at 2,000 credentials a second, about 7 MB between checkpoints), so
 * the connection's own autocheckpoint (WAL_AUTOCHECKPOINT_PAGES), which copies in the COMMIT of whichever request
 * reaches it, on the thread that serves requests, is left as the backstop. Once every frame has been copied, the next
 * write transaction starts the WAL over from its beginning.
 */
export const WAL_CHECKPOINT_INTERVAL_MS = 250;

/** The checkpointer thread: its own connection to the database file, a PASSIVE checkpoint per message. */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("synchronous = NORMAL");
parentPort.on("message", (id) => {
  let ok = true;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    ok = false;
  }
  parentPort.postMessage({ id, ok });
});
`;

type Checkpointer = { checkpoint(): Promise<boolean>; stop(): Promise<void> };

/**
 * Starts the checkpointer thread of a database file (WAL mode). A thread that fails or dies is not replaced: the
 * connection's autocheckpoint keeps the WAL bounded without it. The thread never keeps the process alive.
 */
function startCheckpointer(path: string): Checkpointer {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  // plain CommonJS: none of the process's loaders (tsx) in this thread
  const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, execArgv: [], workerData: { path, module } });
  worker.unref();
  let alive = true;
  let next = 0;
  const waiting = new Map<number, (ok: boolean) => void>();
  const lost = () => {
    alive = false;
    for (const resolve of waiting.values()) {
      resolve(false);
    }
    waiting.clear();
  };
  worker.on("message", ({ id, ok }: { id: number; ok: boolean }) => {
    waiting.get(id)?.(ok);
    waiting.delete(id);
  });
  worker.on("error", lost);
  worker.on("exit", lost);
  const checkpoint = () =>
    new Promise<boolean>((resolve) => {
      if (!alive) {
        resolve(false);
        return;
      }
      const id = next++;
      waiting.set(id, resolve);
      worker.postMessage(id);
    });
  const timer = setInterval(() => {
    if (waiting.size === 0) {
      void checkpoint();
    }
  }, WAL_CHECKPOINT_INTERVAL_MS);
  timer.unref();
  return {
    checkpoint,
    stop: async () => {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}

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

export function openSqliteStore(path: string, options: { image?: Buffer } = {}): SqliteStore {
  if (options.image && path !== ":memory:") {
    throw new Error("a database image opens only in memory");
  }
  const tightened = path === ":memory:" ? [] : restrictFiles(path);
  // `image`: the in-memory database starts as a copy of that serialized database (better-sqlite3's serialize()). The
  // tests start each app from one migrated image: copying it takes well under a millisecond where running every
  // migration on an empty database takes 30-90 ms. The migrations below still run: any the image lacks are applied.
  const sqlite = new Database(options.image ?? path);
  if (path !== ":memory:") {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle({ client: sqlite, schema, casing: "snake_case" });
  migrate(db, { migrationsFolder: MIGRATIONS });
  // Statement journals (and temporary tables) in memory: inside a write transaction, every multi-row statement (a bulk
  // batch's inserts) journals the pages it changes, which went to a temporary file page by page once past 64 KiB:
  // about 19 writes and 42 KB per credential of a bulk job's batches of 25, a third of the main thread's system CPU.
  // Set after the migrations: a migration rewriting a constrained column of a large table journals the whole table
  // (review 27 measured +216 MB for a 223 MB table in memory); on disk, as before, it costs no memory.
  sqlite.pragma("temp_store = MEMORY");
  const lastMigration = readMigrationFiles({ migrationsFolder: MIGRATIONS }).at(-1)?.folderMillis ?? 0;
  const shared = Object.assign(db as unknown as Query, {
    t: schema,
    engine: "sqlite" as const,
    statements: new Map<string, unknown>(),
    jsonRows,
  }) as Conn;
  const current = transactionContext<Tx>();
  let queue: Promise<unknown> = Promise.resolve();
  // after the migrations: the file exists, in WAL mode
  const checkpointer = path === ":memory:" ? undefined : startCheckpointer(path);

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
    conn: () => current.current() ?? shared,
    tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const joined = current.current();
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
    checkpointWal: async () => (checkpointer ? checkpointer.checkpoint() : false),
    close: async () => {
      await queue;
      await checkpointer?.stop();
      sqlite.close();
    },
  };
}
