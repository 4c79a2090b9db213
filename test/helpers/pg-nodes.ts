import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ensureIssuerKeys, readIssuerKeys } from "../../src/crypto/key-files.js";
import { makeTestApp, TEST_START, type TestApp } from "./make-app.js";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "./postgres-server.js";

/** Whether PostgreSQL tests can run here (the binaries are installed); they are skipped, saying so, otherwise. */
export const HAS_POSTGRES = findPostgresBinaries() !== undefined;
if (!HAS_POSTGRES && process.env.CI) {
  // in CI a missing server is a failure, never a silent skip (.ci/run installs Debian's postgresql)
  throw new Error("PostgreSQL binaries not found (install Debian's postgresql package, or set LAUREL_PG_BIN)");
}

/**
 * Several Laurel nodes on one PostgreSQL database: each a `makeTestApp` context of its own (its own process state,
 * clock and caches, as a separate process would have), sharing the database and one keys folder.
 */
export type Cluster = {
  url: string;
  keysDir: string;
  env: Record<string, string>;
  node: (env?: Record<string, string>) => Promise<TestApp>;
  close: () => Promise<void>;
};

let server: PostgresServer | undefined;
let databases = 0;

/** Starts the throwaway server (once per test file). */
export async function startClusterServer(): Promise<void> {
  server ??= await startPostgres();
}

export async function stopClusterServer(): Promise<void> {
  await server?.stop();
  server = undefined;
}

/** A new empty database on the throwaway server, and a keys folder holding generation 1, for a cluster of nodes. */
export async function newCluster(env: Record<string, string> = {}): Promise<Cluster> {
  if (!server) {
    throw new Error("startClusterServer() first");
  }
  const name = `cluster_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: server.url("postgres") });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = server.url(name);
  const keysDir = mkdtempSync(join(tmpdir(), "laurel-cluster-keys-"));
  await ensureIssuerKeys(keysDir, TEST_START);
  const shared = { LAUREL_DATABASE_URL: url, LAUREL_KEYS_DIR: keysDir, LAUREL_DATABASE_POOL_SIZE: "4", ...env };
  const nodes: TestApp[] = [];
  return {
    url,
    keysDir,
    env: shared,
    node: async (extra = {}) => {
      const node = await makeTestApp({ env: { ...shared, ...extra }, keys: readIssuerKeys(keysDir) });
      nodes.push(node);
      return node;
    },
    close: async () => {
      for (const node of nodes.splice(0)) {
        await node.close();
      }
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
