import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { LRUCache } from "lru-cache";
import type { Artwork } from "./baking/artwork.js";
import type { Config } from "./config.js";
import type { StoredIssuerKey } from "./crypto/issuer-keys.js";
import { ensureIssuerKeys, readIssuerKeys } from "./crypto/key-files.js";
import { createSigningPool } from "./crypto/signing-pool.js";
import type { Catalog } from "./domain/catalog/parse-catalog.js";
import type { EmailTemplates } from "./domain/email/messages.js";
import { buildIssuerProfile, didWebFor } from "./domain/issuer.js";
import { createVerifyRateLimitStore } from "./http/rate-limit.js";
import { loadArtwork, loadCatalog, loadEmailTemplates } from "./load-templates.js";
import type { Logger } from "./logger.js";
import type { Deps, ServiceContext, ServiceState } from "./services/deps.js";
import { buildIssuerKeys, createKeyHolder, recordActiveGeneration } from "./services/key-holder.js";
import { syncAchievements } from "./storage/achievements-repo.js";
import { CopyMismatch, CopyRefused, type CopySummary, copyStore } from "./storage/copy.js";
import type { Store } from "./storage/store.js";
import { hasLaurelSchema, openPgStore } from "./storage/store-pg.js";
import { openSqliteStore } from "./storage/store-sqlite.js";
import { createSmtpSender, createWebhookPoster } from "./transports.js";
import { createGuardedFetch } from "./verify/guarded-fetch.js";
import { createOb3SchemaValidator, OB3_SCHEMA_FILE, type Ob3SchemaValidator } from "./verify/schema-check.js";
import { SignatureQueue } from "./verify/signature-queue.js";

/** Largest total of credential page templates kept (HTML characters), whatever their number. */
const MAX_PAGE_TEMPLATE_CHARS = 32 * 1024 * 1024;
/** The console's person pages kept (ServiceState.personPages): 32 MB of HTML at most. */
const MAX_PERSON_PAGE_CHARS = 32 * 1024 * 1024;
/** Largest total of verified input (credential JSON characters) whose fixed checks are kept. */
const MAX_VERIFIED_INPUT_CHARS = 64 * 1024 * 1024;

/**
 * How one entry point wants its services: each of the three (server, operator commands, tests) says only where it
 * differs. Everything not given is the production default (system clock and randomness, the guarded fetch, the
 * templates and schema read from disk).
 */
export type ComposeOptions = {
  logger: Logger;
  /**
   * `create`: the configured database file, created and migrated when missing (the server). `existing`: only a file
   * that exists, the catalog not written to it (operator commands: a mistyped path must not get a fresh database).
   * `memory`: a private in-memory database (tests). Or a store already open (the tests' PostgreSQL databases): used
   * as it is (the catalog written to it) and closed with the services. With `LAUREL_DATABASE_URL` the database is that
   * PostgreSQL one (migrated at open, except by `existing`, which refuses one that Laurel never migrated).
   */
  database: "create" | "existing" | "memory" | Store;
  /**
   * `create`: the keys in the configured folder, the first generation generated when there is none (the server).
   * `existing`: only keys that exist (operator commands). Or the keys themselves (tests).
   */
  keys: "create" | "existing" | StoredIssuerKey[];
  /** The catalog and artwork, when already loaded (tests load the templates once per worker). */
  catalog?: Catalog;
  artwork?: Artwork;
  emailTemplates?: EmailTemplates;
  /** One compiled OB 3.0 schema shared by many contexts (tests: compiling it costs half a second). */
  ob3Schema?: Ob3SchemaValidator;
  clock?: () => Date;
  newId?: () => string;
  newSalt?: () => string;
  newSecret?: () => string;
  randomInt?: (maxExclusive: number) => number;
  /** This process's id among the nodes (lease holder); a new random one unless given. */
  nodeId?: string;
  /** The verifier's network: the guarded fetch unless given; `null` never fetches (tests). */
  fetchRemote?: Deps["fetchRemote"] | null;
  /**
   * Signing worker threads when the configuration does not say (`LAUREL_SIGNING_THREADS`): operator commands and
   * tests sign on the main thread (0). Default: one per core this process may use.
   */
  signingThreads?: number;
};

export type ComposedServices = {
  ctx: ServiceContext;
  /** Stops the signing threads, closes the SMTP pool and the database (once every write transaction queued on it has finished). */
  close: () => Promise<void>;
  /** Whether the first key generation was generated now (keys: "create" on a folder without keys). */
  keysCreated: boolean;
};

/** Reads the keys an entry point asks for; `existing` refuses a folder without any (and never creates the folder). */
async function issuerKeys(
  config: Config,
  keys: ComposeOptions["keys"],
  now: Date,
): Promise<{ keys: StoredIssuerKey[]; created: boolean }> {
  if (keys === "create") {
    return ensureIssuerKeys(config.keysDir, now);
  }
  const found = keys !== "existing" ? keys : existsSync(config.keysDir) ? readIssuerKeys(config.keysDir) : [];
  if (keys === "existing" && found.length === 0) {
    throw new Error(`no issuer keys in ${config.keysDir}: start the service once first (or check LAUREL_KEYS_DIR)`);
  }
  return { keys: found, created: false };
}

/** The state a service context keeps in memory (see ServiceState), empty, with its sizes from the configuration. */
export function createServiceState(config: Config, ob3Schema: Ob3SchemaValidator): ServiceState {
  const { credentials, renderedFiles } = config.caches;
  return {
    personLocks: new Map(),
    statusListSignings: new Map(),
    parsedStatusLists: new Map(),
    statusListChecks: new WeakMap(),
    ob3Schema,
    storedChecks: { analyses: new LRUCache({ max: credentials }) },
    verifiedInputs: new LRUCache({
      max: credentials,
      maxSize: MAX_VERIFIED_INPUT_CHARS,
    }),
    badgePngs: new Map(),
    renderedFiles: new LRUCache({ max: renderedFiles }),
    credentialPageTemplates: new LRUCache({
      max: credentials,
      maxSize: MAX_PAGE_TEMPLATE_CHARS,
      sizeCalculation: (template) => (template ? template.parts.reduce((n, part) => n + part.length, 1) : 1),
    }),
    credentialPageShapes: new LRUCache({ max: 1000 }),
    personPages: new LRUCache({
      max: credentials,
      maxSize: MAX_PERSON_PAGE_CHARS,
      sizeCalculation: (kept) => kept.page.byteLength + kept.mark.length + 1,
    }),
    verifyRateLimit: createVerifyRateLimitStore(),
    // Signatures of small credentials checked on this thread even while others are in progress (onWorkerFrom:
    // never): on 2 cores, two alternating quiet A/B runs of the vc-api bench measured 8 in flight at 7.29-7.45x the
    // stock library with them on the workers against 7.61-7.98x with them here (the main thread keeps one core, the
    // round trips cost more than they free). A large credential's signature still goes to a worker (it would hold
    // this thread long). Tests and profiles set it to 0 or 1 to send more there.
    verifications: { analysing: 0, onWorkerFrom: Number.POSITIVE_INFINITY, signatures: new SignatureQueue() },
    lifecycle: { shuttingDown: false },
    issueByHand: { pending: [] },
    dashboardCounts: {},
  };
}

/** Reads the bundled OB 3.0 schema; its validator compiles on first use. */
export function loadOb3SchemaValidator(): Ob3SchemaValidator {
  return createOb3SchemaValidator(JSON.parse(readFileSync(OB3_SCHEMA_FILE, "utf8")) as Record<string, unknown>);
}

/** The database a configuration names: PostgreSQL when `LAUREL_DATABASE_URL` is set, else the SQLite file. */
async function openStore(config: Config, options: ComposeOptions): Promise<Store> {
  if (typeof options.database === "object") {
    return options.database;
  }
  if (config.databaseUrl) {
    if (options.database === "existing" && !(await hasLaurelSchema(config.databaseUrl))) {
      throw new Error(
        `no Laurel database at ${redactedUrl(config.databaseUrl)}: start the service once first (or check LAUREL_DATABASE_URL)`,
      );
    }
    return openPgStore(config.databaseUrl, { poolSize: config.databasePoolSize });
  }
  const store = openSqliteStore(options.database === "memory" ? ":memory:" : config.dbPath);
  if (store.tightened.length > 0) {
    options.logger.warn("database files were readable by others: now owner-only (0600)", {
      files: store.tightened.join(", "),
    });
  }
  return store;
}

/** A database URL as it may be printed or logged: without its password. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) {
    parsed.password = "***";
  }
  return parsed.href;
}

/**
 * The composition root: builds the service context every entry point runs on (the server in bootstrap.ts, the
 * operator commands in cli/open-services.ts, the tests' makeTestApp) from the configuration and that entry point's
 * options. Templates are read and validated first, so a bad definition stops before anything is created; then the
 * keys, the database (migrated; the catalog's definitions and the active key generation recorded in it), and the
 * service state.
 */
export async function composeServices(config: Config, options: ComposeOptions): Promise<ComposedServices> {
  const catalog = options.catalog ?? loadCatalog(config.templatesDir);
  const artwork = options.artwork ?? loadArtwork(config.templatesDir);
  const emailTemplates = options.emailTemplates ?? loadEmailTemplates(config.templatesDir);
  const clock = options.clock ?? (() => new Date());
  const now = clock();
  if (options.database === "existing" && !config.databaseUrl && !existsSync(config.dbPath)) {
    throw new Error(`no database at ${config.dbPath}: start the service once first (or check LAUREL_DB_PATH)`);
  }
  const { keys, created } = await issuerKeys(config, options.keys, now);
  const did = didWebFor(config.publicUrl);
  const initialKeys = await buildIssuerKeys({ keys, did, publicUrl: config.publicUrl });
  const store = await openStore(config, options);
  const nodeId = options.nodeId ?? randomUUID();
  const holder = createKeyHolder({
    initial: initialKeys,
    readKeys: () => readIssuerKeys(config.keysDir),
    store,
    clock,
    logger: options.logger,
    checkSeconds: config.keysCheckSeconds,
  });
  try {
    if (options.database !== "existing") {
      await store.tx((tx) => syncAchievements(tx, catalog.entries, now));
      await recordActiveGeneration(store, initialKeys, { at: now, by: `node:${nodeId}` });
    }
    // A node started with a keys folder older than the newest recorded generation says so now (and in /readyz).
    await holder.check();
  } catch (error) {
    await store.close();
    throw error;
  }
  // Started last, so that nothing before it can fail and leave its threads running; it signs with the holder's keys,
  // and takes a newer generation (a rotation, here or on another node) before the holder hands it out.
  const signing = await createSigningPool({
    keys: holder.current().material,
    size: config.signingThreads ?? options.signingThreads ?? availableParallelism(),
    onWorkerLost: (error) =>
      options.logger.warn("a signing worker was lost: its credentials are signed again", { error: error.name }),
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  holder.onChange((keys) => signing.updateKeys(keys.material));
  const smtp = config.delivery.smtpUrl ? createSmtpSender(config.delivery.smtpUrl) : undefined;
  const fetchRemote = options.fetchRemote === undefined ? createGuardedFetch() : options.fetchRemote;
  const deps: Deps = {
    config,
    store,
    keys: holder,
    nodeId,
    catalog,
    readCatalog: () => loadCatalog(config.templatesDir),
    artwork,
    emailTemplates,
    ...(smtp ? { sendMail: smtp.send } : {}),
    postWebhook: createWebhookPoster(config.delivery.webhookAllowHosts),
    logger: options.logger,
    clock,
    newId: options.newId ?? (() => randomUUID()),
    newSalt: options.newSalt ?? (() => randomBytes(16).toString("hex")),
    newSecret: options.newSecret ?? (() => randomBytes(32).toString("base64url")),
    randomInt: options.randomInt ?? ((maxExclusive: number) => randomInt(maxExclusive)),
    // used only when LAUREL_VERIFY_REMOTE is on: https to public addresses, short timeout, size cap
    ...(fetchRemote ? { fetchRemote } : {}),
  };
  const ctx: ServiceContext = {
    ...deps,
    issuer: buildIssuerProfile(did, config.issuer),
    signing,
    state: createServiceState(config, options.ob3Schema ?? loadOb3SchemaValidator()),
  };
  const close = async () => {
    smtp?.close();
    await signing.close();
    await store.close();
  };
  return { ctx, close, keysCreated: created };
}

export { CopyMismatch, CopyRefused, type CopySummary };

/**
 * `npm run db -- copy`: the SQLite installation in the file `from` (which must exist; it is migrated to the current
 * schema first, as a start would) into the PostgreSQL database at `to` (migrated, and refused unless empty). See
 * storage/copy.ts.
 */
export async function copySqliteToPostgres(from: string, to: string): Promise<CopySummary> {
  if (!existsSync(from)) {
    throw new CopyRefused(`no SQLite database at ${from}`);
  }
  const source = openSqliteStore(from);
  try {
    const target = await openPgStore(to, { poolSize: 2 });
    try {
      return await copyStore(source, target);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
