import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { Store } from "../../src/storage/store.js";
import { openPgStore } from "../../src/storage/store-pg.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";

/**
 * Which database the tests of this vitest project run on. The `sqlite` project: a private in-memory SQLite database
 * per store. The `pg` project (vitest.config.ts): its global setup (postgres-global-setup.ts) started one throwaway
 * PostgreSQL server and a migrated template database; each store here is a fresh database copied from that template,
 * dropped when the store closes.
 */
export type TestPostgres = { baseUrl: string; template: string };

declare module "vitest" {
  interface ProvidedContext {
    laurelPostgres: TestPostgres | undefined;
  }
}

const postgres = inject("laurelPostgres");

/** True in the `pg` project: tests that state a SQLite-only fact skip with `describe.skipIf(onPostgres)`. */
export const onPostgres = postgres !== undefined;

let admin: Promise<pg.Client> | undefined;
let created = 0;
/**
 * Databases whose stores are closed, not dropped yet. DROP DATABASE forces a checkpoint: dropping each one as its test
 * ends cost the server about as much CPU as creating it, dropping them a few dozen at a time (the first drop's
 * checkpoint leaves the others little to write) about a tenth of that. About DROP_BATCH wait (9 MB of disk each).
 */
const unused: string[] = [];
const DROP_BATCH = 16;
/**
 * The batches being dropped, one after the other, on a connection of their own: never awaited by a test (a batch can
 * take seconds on a busy machine), only at the end of the file, which fails if a drop did.
 */
let dropping: Promise<unknown> = Promise.resolve();
let dropper: Promise<pg.Client> | undefined;

function dropUnused(server: TestPostgres): Promise<unknown> {
  const batch = unused.splice(0);
  dropper ??= connect(server);
  const client = dropper;
  dropping = dropping.then(async () => {
    for (const name of batch) {
      await (await client).query(`drop database if exists ${name} with (force)`);
    }
  });
  dropping.catch(() => undefined); // reported by closeLeftoverStores
  return dropping;
}

async function connect(server: TestPostgres): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: `${server.baseUrl}/postgres` });
  await client.connect();
  return client;
}
/** Stores opened and not closed yet: closed after the test file (setupFiles of the pg project). */
const open = new Set<() => Promise<void>>();

function adminClient(server: TestPostgres): Promise<pg.Client> {
  admin ??= connect(server);
  return admin;
}

/**
 * The database the next store will get, copied from the template while the current test runs, on a connection of
 * its own (the admin connection's statements, a drop's, do not wait behind the copy): a test waited 120-190 ms for
 * its CREATE DATABASE on the loaded machine. Still a fresh copy of the untouched template; made only once the file
 * asked for a first database, dropped at the end of the file if no test took it.
 */
let ahead: Promise<string> | undefined;
let maker: Promise<pg.Client> | undefined;

function copyTemplate(server: TestPostgres): Promise<string> {
  maker ??= connect(server);
  const client = maker;
  // a random part too: with isolate false this module may be loaded afresh in a process that made databases before
  // (the counter restarts), and a drop that failed then must not make this create fail
  const name = `t_${process.pid}_${++created}_${randomBytes(4).toString("hex")}`;
  // WAL_LOG (the default) and FILE_COPY cost the server the same CPU here; WAL_LOG does not force a checkpoint.
  const made = (async () => {
    await (await client).query(`create database ${name} template ${server.template} strategy wal_log`);
    return name;
  })();
  made.catch(() => undefined); // the test that takes it gets the error
  return made;
}

/**
 * A fresh database of the pg project's server, copied from the migrated template (so migrated and empty), and how to
 * drop it: its connections are ended at once (nothing can use it after), the files go with the next batch of drops or
 * at the end of the test file. Only in the pg project.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!postgres) {
    throw new Error("createTestDatabase: only in the pg project (vitest.config.ts)");
  }
  const client = await adminClient(postgres);
  if (unused.length >= DROP_BATCH) {
    void dropUnused(postgres);
  }
  const taken = ahead ?? copyTemplate(postgres);
  ahead = copyTemplate(postgres);
  const name = await taken;
  let dropped = false;
  return {
    url: `${postgres.baseUrl}/${name}`,
    drop: async () => {
      if (dropped) {
        return;
      }
      dropped = true;
      // no connection left behind (a client the test forgot): refused from now on, as a dropped database refuses them
      await client.query(`alter database ${name} allow_connections false`);
      await client.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [name],
      );
      unused.push(name);
    },
  };
}

/**
 * An empty SQLite database with every migration applied, serialized: each SQLite test store starts as a private copy
 * of it (openSqliteStore's `image`), as each PostgreSQL one is a copy of the migrated template database. Made once per
 * worker process; copying it takes well under a millisecond, migrating an empty database 30-90 ms.
 */
let sqliteImage: Buffer | undefined;
function migratedSqliteImage(): Buffer {
  if (!sqliteImage) {
    const store = openSqliteStore(":memory:");
    sqliteImage = store.sqlite.serialize();
    store.sqlite.close();
  }
  return sqliteImage;
}

/**
 * A fresh, migrated, empty store on this project's database, and how to close it (PostgreSQL: the database is dropped
 * too). Nothing is shared between two stores.
 */
export async function openTestStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  if (!postgres) {
    const opened = openSqliteStore(":memory:", { image: migratedSqliteImage() });
    // closed by the services that use it, then again by the test: once is enough
    let ended: Promise<void> | undefined;
    const store: Store = { ...opened, close: () => (ended ??= opened.close()) };
    return { store, close: () => store.close() };
  }
  const database = await createTestDatabase();
  const opened = await openPgStore(database.url);
  // closed by the services that use it, then again here before the drop: once is enough
  let ended: Promise<void> | undefined;
  const store: Store = { ...opened, close: () => (ended ??= opened.close()) };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      open.delete(close);
      await store.close();
      await database.drop();
    })();
    return closing;
  };
  open.add(close);
  return { store, close };
}

/**
 * Closes (and drops) every store a test file left open, and drops every database closed meanwhile; the connections end
 * with the file.
 */
export async function closeLeftoverStores(): Promise<void> {
  await Promise.all([...open].map((close) => close()));
  const untaken = ahead;
  ahead = undefined;
  try {
    // the database made for a test that did not come: its copy must end before the connection does
    const name = await untaken;
    if (name) {
      unused.push(name);
    }
  } catch {
    // no database was made: nothing to drop (a test that took one would have failed on the same error)
  }
  if (postgres && unused.length > 0) {
    void dropUnused(postgres);
  }
  const dropped = dropping;
  dropping = Promise.resolve();
  try {
    await dropped;
  } finally {
    for (const client of [admin, dropper, maker]) {
      await (await client)?.end();
    }
    admin = undefined;
    dropper = undefined;
    maker = undefined;
  }
}
