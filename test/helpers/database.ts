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
/** Stores opened and not closed yet: closed after the test file (setupFiles of the pg project). */
const open = new Set<() => Promise<void>>();

function adminClient(server: TestPostgres): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: `${server.baseUrl}/postgres` });
    await client.connect();
    return client;
  })();
  return admin;
}

/**
 * A fresh database of the pg project's server, copied from the migrated template (so migrated and empty), and how to
 * drop it (closed connections first). Only in the pg project.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!postgres) {
    throw new Error("createTestDatabase: only in the pg project (vitest.config.ts)");
  }
  const client = await adminClient(postgres);
  const name = `t_${process.pid}_${++created}`;
  // WAL_LOG (the default) and FILE_COPY both take about 15 ms here; WAL_LOG does not force a checkpoint per database.
  await client.query(`create database ${name} template ${postgres.template} strategy wal_log`);
  return {
    url: `${postgres.baseUrl}/${name}`,
    drop: async () => {
      await client.query(`drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * A fresh, migrated, empty store on this project's database, and how to close it (PostgreSQL: the database is dropped
 * too). Nothing is shared between two stores.
 */
export async function openTestStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  if (!postgres) {
    const store = openSqliteStore(":memory:");
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

/** Closes (and drops) every store a test file left open; the admin connection ends with the file. */
export async function closeLeftoverStores(): Promise<void> {
  await Promise.all([...open].map((close) => close()));
  if (admin) {
    const client = await admin;
    admin = undefined;
    await client.end();
  }
}
