import { expect } from "vitest";
import { createApp } from "../../src/app.js";
import { composeServices, loadOb3SchemaValidator } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import { generateIssuerKey, type StoredIssuerKey } from "../../src/crypto/issuer-keys.js";
import type { Catalog } from "../../src/domain/catalog/parse-catalog.js";
import { loadArtwork, loadCatalog, loadEmailTemplates } from "../../src/load-templates.js";
import { createLogger } from "../../src/logger.js";
import { createApiKey } from "../../src/services/api-keys.js";
import type { Store } from "../../src/storage/store.js";
import type { SqliteStore } from "../../src/storage/store-sqlite.js";
import type { FetchRemote } from "../../src/verify/environment.js";
import { openTestStore } from "./database.js";

export const TEST_PUBLIC_URL = "https://badges.test";
export const TEST_START = new Date("2026-03-02T09:30:00.250Z");

// Read once per worker: the artwork, e-mail templates and the OB 3.0 schema (compiled on first use, half a second).
// The catalog once per test file: its apps share its definitions, which a test may change (e.g. to require approval),
// so a file sees only its own changes, though its worker ran other files before (vitest.config.ts: isolate false).
let catalog: { file: string | undefined; catalog: Catalog } | undefined;
// Frozen all the way down: a test that changes one in place throws here instead of leaking into later files.
const artwork = deepFreeze(loadArtwork("templates"));
const emailTemplates = deepFreeze(loadEmailTemplates("templates"));
const ob3Schema = loadOb3SchemaValidator();

/** `value` with every object and array reachable from it frozen (plain data only: templates, artwork). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) {
      deepFreeze(member);
    }
  }
  return value;
}

/**
 * A fresh app: a database of its own (SQLite in memory; in the pg project a fresh PostgreSQL database, dropped on
 * close), new issuer keys, a settable clock, an admin key, captured logs. */
export async function makeTestApp(
  options: {
    env?: Record<string, string>;
    keys?: StoredIssuerKey[];
    now?: Date;
    fetchRemote?: FetchRemote;
    /** A store to run on instead of a fresh one (closed with the app). */
    store?: Store;
  } = {},
) {
  const file = expect.getState().testPath;
  if (!catalog || catalog.file !== file) {
    catalog = { file, catalog: loadCatalog("templates") };
  }
  const config = loadConfig({ LAUREL_PUBLIC_URL: TEST_PUBLIC_URL, LAUREL_ISSUER_NAME: "Test Academy", ...options.env });
  let now = new Date(options.now ?? TEST_START);
  const clock = {
    now: () => new Date(now),
    set: (date: Date) => {
      now = new Date(date);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const keys = options.keys ?? [await generateIssuerKey(1, clock.now())];
  // a fresh store of this project's database (a copy of a migrated SQLite image, or of PostgreSQL's template database),
  // unless the test gives one or names a database of its own (LAUREL_DATABASE_URL: opened by the services)
  const database = options.store || config.databaseUrl ? undefined : await openTestStore();
  const { ctx, close: closeServices } = await composeServices(config, {
    logger,
    database: options.store ?? database?.store ?? "memory",
    keys,
    catalog: { ...catalog.catalog },
    artwork,
    emailTemplates,
    ob3Schema,
    clock: clock.now,
    // the verifier's network: none unless a test answers it (e.g. from a map of documents)
    fetchRemote: options.fetchRemote ?? null,
    // signed on the test's own thread unless the test's env sets LAUREL_SIGNING_THREADS
    signingThreads: 0,
  });
  const store = ctx.store;
  // the services close the store; the test store's own close also drops its database (PostgreSQL)
  const close = async () => {
    await closeServices();
    await database?.close();
  };
  const admin = await createApiKey(ctx, { name: "test admin", scopes: ["admin"], actor: "test" });
  const app = createApp(ctx, { publicDir: "./" });
  return { app, ctx, store, keys, clock, logLines, adminToken: admin.token, close };
}

/**
 * The better-sqlite3 handle under a SQLite store, for what only SQLite has (pragmas, its own limits). A test that
 * uses it is a SQLite-only test: it says so in a comment.
 */
export function sqliteOf(store: Store): SqliteStore["sqlite"] {
  if (store.dialect !== "sqlite") {
    throw new Error("a SQLite-only test ran on another database");
  }
  return (store as SqliteStore).sqlite;
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;
