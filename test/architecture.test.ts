import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  envViolations,
  globalViolations,
  layerOf,
  layerViolations,
  REPO_ROOT,
  readGraph,
  runtimeCycles,
  syncDriverViolations,
  type Violation,
} from "./architecture/check.js";
import { LAYERS } from "./architecture/rules.js";

/**
 * Every rule of test/architecture/rules.ts over a tree: layer allow-lists, process.env, clock and network, and the
 * store's queries written for either database.
 */
function allViolations(root: string): Violation[] {
  const { files, edges } = readGraph(root);
  return [
    ...layerViolations(files, edges),
    ...envViolations(root, files),
    ...globalViolations(root, files),
    ...syncDriverViolations(root, files),
  ];
}

describe("architecture of src/ (ARCHITECTURE.md §3.2, ISSUE-12 layer rules)", () => {
  const { files, edges } = readGraph(REPO_ROOT);
  const found = allViolations(REPO_ROOT);

  it("imports in every layer only what its allow-list names", () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(found.map((v) => v.message)).toEqual([]);
  });

  it("puts every file in a layer, and names no layer without files", () => {
    const used = new Set(files.map((f) => layerOf(f)));
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
    expect(Object.keys(LAYERS).filter((name) => !used.has(name))).toEqual([]);
  });

  it("has no import cycle at run time (type-only imports are erased and may form one)", () => {
    expect(runtimeCycles(edges)).toEqual([]);
  });

  it("names every layer in the README's Layout section", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const start = readme.indexOf("**Layout.**");
    const layout = readme.slice(start, readme.indexOf("\n\n**", start));
    expect(layout).toContain("test/architecture/rules.ts");
    const missing = Object.values(LAYERS)
      .flatMap((layer) => layer.paths)
      .filter((path) => !layout.includes(`\`${path}\``));
    expect(missing).toEqual([]);
  });
});

describe("the architecture test catches what it should (test/fixtures/architecture)", () => {
  const fixture = (name: string) => join(REPO_ROOT, "test/fixtures/architecture", name);

  it("finds each forbidden import of the fixture tree, in every import form, with its message", () => {
    // The cases of ISSUE-12 point 1 first, then one per rule and per import form.
    const expected = [
      // domain
      'src/domain/side-effect.ts:1 side-effect import "hono": domain may not import package hono',
      'src/domain/dynamic.ts:2 dynamic import() "drizzle-orm": domain may not import package drizzle-orm',
      'src/domain/child-process.ts:1 import "node:child_process": domain may not import node:child_process',
      'src/domain/config.ts:1 import "../config.js": domain may not import config (src/config.ts)',
      'src/domain/verify-type.ts:1 import type "../verify/report.js": domain may not import verify (src/verify/report.ts)',
      'src/domain/bare-builtin.ts:1 import "fs": domain may not import node:fs',
      'src/domain/random-id.ts:1 import "node:crypto": domain may import node:crypto only for createHash (hashing only: no randomness in the domain)',
      'src/domain/export-from.ts:1 export … from "../services/issue.js": domain may not import services (src/services/issue.ts)',
      'src/domain/export-star.ts:1 export … from "../storage/db.js": domain may not import storage (src/storage/db.ts)',
      'src/domain/require.ts:1 require() "jose": domain may not import package jose',
      'src/domain/require.ts:3 require() "sharp": domain may not import package sharp',
      'src/domain/import-type-node.ts:1 import type "jose": domain may not import package jose',
      'src/domain/computed.ts:2 dynamic import() "(computed)": a dynamic import() of a computed specifier cannot be checked: name the module with a string literal',
      'src/domain/computed.ts:3 require() "(computed)": a require() of a computed specifier cannot be checked: name the module with a string literal',
      'src/domain/outside.ts:1 import "../../package.json": domain may not import package.json, which belongs to no layer',
      "src/domain/clock.ts:2 uses Date.now: the domain is handed the clock, never reads it",
      "src/domain/clock.ts:2 uses new Date(): the domain is handed the clock, never reads it",
      "src/domain/clock.ts:2 uses Math.random: the domain is handed ids and random numbers, never draws them",
      "src/domain/clock.ts:2 uses crypto.randomUUID: the domain is handed ids and random numbers, never draws them",
      // crypto, baking, storage
      'src/crypto/sign.ts:1 import "../verify/engine.js": crypto may not import verify (src/verify/engine.ts)',
      'src/crypto/sign.ts:2 import "node:fs": crypto may import node:fs only in src/crypto/key-files.ts (the key files)',
      'src/crypto/threads.ts:1 import "piscina": crypto may import piscina only in src/crypto/signing-pool.ts (the signing pool\'s worker threads)',
      'src/crypto/threads.ts:2 side-effect import "../harden-process.js": crypto may not import harden-process (src/harden-process.ts)',
      'src/baking/png.ts:1 import "../storage/db.js": baking may not import storage (src/storage/db.ts)',
      'src/storage/db.ts:1 import "../crypto/keyring.js": storage may not import crypto (src/crypto/keyring.ts)',
      'src/storage/db.ts:2 import "mysql2": storage may not import package mysql2',
      // storage and services: queries on either database (SQLite's synchronous executors and $client only in the
      // SQLite store)
      "src/storage/sync-repo.ts:4 calls .all(): SQLite's synchronous executor: await the query instead",
      "src/storage/sync-repo.ts:5 calls .get(): SQLite's synchronous executor: await the query instead",
      "src/storage/sync-repo.ts:6 calls .run(): SQLite's synchronous executor: await the query instead",
      "src/storage/sync-repo.ts:7 calls .values(): SQLite's synchronous executor: await the query instead",
      "src/storage/sync-repo.ts:8 uses $client: the driver under the store: write the query with drizzle's builder",
      "src/services/sync.ts:3 calls .get(): SQLite's synchronous executor: await the query instead",
      "src/services/sync.ts:4 uses $client: the driver under the store: write the query with drizzle's builder",
      // verify
      'src/verify/engine.ts:1 import "../storage/db.js": verify may not import storage (src/storage/db.ts)',
      'src/verify/remote-keys.ts:1 import "node:dns/promises": verify may import node:dns only in src/verify/guarded-fetch.ts (network modules only in the guarded fetch)',
      'src/verify/remote-keys.ts:2 import "node:https": verify may import node:https only in src/verify/guarded-fetch.ts (network modules only in the guarded fetch)',
      'src/verify/remote-keys.ts:3 import "undici": verify may import undici only in src/verify/guarded-fetch.ts (network modules only in the guarded fetch)',
      "src/verify/remote-keys.ts:8 uses fetch: only src/verify/guarded-fetch.ts reaches the network",
      // services, schemas
      'src/services/issue.ts:1 import "hono": services may not import package hono',
      'src/services/issue.ts:2 import "../config.js": services may import config (src/config.ts) only with "import type"',
      'src/services/issue.ts:3 import type "../http/env.js": services may not import http (src/http/env.ts)',
      "src/services/issue.ts:5 reads process.env: only src/main.ts and src/cli/ may (pass a Config instead)",
      'src/schemas/shapes.ts:1 import "../services/issue.js": schemas may not import services (src/services/issue.ts)',
      // pages (views), http, cli, app.ts
      'src/http/pages/credential-page.tsx:1 import "../../services/read.js": pages may import services (src/services/read.ts) only with "import type"',
      'src/http/pages/credential-page.tsx:2 import "../../services/view.js": pages may import services (src/services/view.ts) only with "import type"',
      'src/http/pages/credential-page.tsx:3 import type "../../storage/db.js": pages may not import storage (src/storage/db.ts)',
      'src/http/routes/credentials.ts:1 import "better-sqlite3": http may not import package better-sqlite3',
      'src/http/routes/credentials.ts:2 import "../../baking/png.js": http may not import baking (src/baking/png.ts)',
      'src/http/routes/credentials.ts:3 import "../../crypto/sign.js": http may not import crypto (src/crypto/sign.ts)',
      'src/http/routes/credentials.ts:4 import "../../storage/db.js": http may not import storage (src/storage/db.ts)',
      'src/http/routes/credentials.ts:5 import "../../verify/status.js": http may not import verify (src/verify/status.ts)',
      'src/cli/credentials.ts:1 import "../http/routes/admin/lifecycle-schemas.js": cli may not import http (src/http/routes/admin/lifecycle-schemas.ts)',
      'src/app.ts:1 import "./storage/db.js": app may not import storage (src/storage/db.ts)',
      // a folder no rule covers
      "src/extras/loose.ts belongs to no layer (test/architecture/rules.ts)",
    ];
    expect(
      allViolations(fixture("violations"))
        .map((v) => v.message)
        .sort(),
    ).toEqual(expected.sort());
  });

  it("finds the run-time import cycle, and not the type-only one", () => {
    expect(runtimeCycles(readGraph(fixture("violations")).edges)).toEqual([
      ["src/domain/cycle-a.ts", "src/domain/cycle-b.ts"],
    ]);
  });

  it("passes a tree that imports, in every form, only what each layer allows", () => {
    const { edges } = readGraph(fixture("clean"));
    expect(new Set(edges.map((e) => e.form))).toEqual(
      new Set(["import", "import type", "side-effect", "dynamic", "export from"]),
    );
    expect(new Set(readGraph(fixture("clean")).files.map((f) => layerOf(f)))).toEqual(new Set(Object.keys(LAYERS)));
    expect(allViolations(fixture("clean")).map((v) => v.message)).toEqual([]);
    expect(runtimeCycles(edges)).toEqual([]);
  });
});
