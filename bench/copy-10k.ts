import "../src/harden-process.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createApp } from "../src/app.js";
import { composeServices, copySqliteToPostgres } from "../src/compose.js";
import { loadConfig } from "../src/config.js";
import { generateIssuerKey } from "../src/crypto/issuer-keys.js";
import { createLogger } from "../src/logger.js";
import { createApiKey } from "../src/services/api-keys.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { openPgStore } from "../src/storage/store-pg.js";
import { startPostgres } from "../test/helpers/postgres-server.js";
import { fmt, rate } from "./harness.js";

/**
 * Issue 13: "the copy command moves a database of 10,000 credentials and the copied deployment verifies them all".
 * Builds a SQLite installation of N real credentials (each issued by the issuing service: its own recipient, salt,
 * status index and signatures; every 100th revoked), copies it with `npm run db -- copy`'s code into a throwaway
 * PostgreSQL server, then starts the service on the copy and posts every credential to POST /credentials/verify,
 * expecting each to verify (and each revoked one to be reported revoked). Prints the time of each step.
 *
 *   npx tsx --disable-proto=delete bench/copy-10k.ts [--credentials 10000]
 */
const { values } = parseArgs({ options: { credentials: { type: "string", default: "10000" } } });
const total = Number(values.credentials);
const dir = mkdtempSync(join(tmpdir(), "laurel-copy-bench-"));
const env = {
  LAUREL_PUBLIC_URL: "https://badges.bench",
  LAUREL_DB_PATH: join(dir, "laurel.db"),
  LAUREL_VERIFY_RATE_LIMIT: "100000",
};
const config = loadConfig(env);
const logger = createLogger({ level: "silent", write: () => {} });
const keys = [await generateIssuerKey(1, new Date())];
const server = await startPostgres();
const seconds = (since: number) => `${fmt((performance.now() - since) / 1000)} s`;

try {
  // 1. the SQLite installation
  let started = performance.now();
  const source = await composeServices(config, { logger, database: "create", keys, fetchRemote: null });
  const ids: string[] = [];
  const documents: string[] = [];
  const issuedRate = await rate(
    total,
    async (i) => {
      const view = await issueCredential(source.ctx, {
        achievementId: "gitlab-certified-associate",
        recipient: { email: `person${i}@example.org`, name: `Person ${i}` },
        actor: "bench",
      });
      ids[i] = view.id;
      documents[i] = JSON.stringify(view.credential);
    },
    8,
  );
  const revoked = new Set<number>();
  const admin = await createApiKey(source.ctx, { name: "bench", scopes: ["admin"], actor: "bench" });
  const sourceApp = createApp(source.ctx, { publicDir: "./" });
  for (let i = 0; i < total; i += 100) {
    const res = await sourceApp.request(`/admin/credentials/${ids[i]}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "bench" }),
    });
    if (res.status !== 200) {
      throw new Error(`revoke: ${res.status} ${await res.text()}`);
    }
    revoked.add(i);
  }
  await source.close();
  console.log(
    `built: ${total} credentials issued (${fmt(issuedRate)}/s), ${revoked.size} revoked, in ${seconds(started)}`,
  );

  // 2. the copy
  const client = new pg.Client({ connectionString: server.url("postgres") });
  await client.connect();
  await client.query("create database laurel_copy");
  await client.end();
  started = performance.now();
  const summary = await copySqliteToPostgres(config.dbPath, server.url("laurel_copy"));
  console.log(
    `copied in ${seconds(started)}: ${summary.tables.map((t) => `${t.table} ${t.rows}`).join(", ")}; checked ` +
      `${summary.credentialsChecked} credentials and ${summary.statusListsChecked} status lists byte for byte`,
  );

  // 3. the service on the copy verifies every credential
  started = performance.now();
  const copy = await composeServices(config, {
    logger,
    database: await openPgStore(server.url("laurel_copy")),
    keys,
    fetchRemote: null,
  });
  const app = createApp(copy.ctx, { publicDir: "./" });
  const failures: string[] = [];
  const verifyRate = await rate(
    total,
    async (i) => {
      const res = await app.request("/credentials/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"verifiableCredential":${documents[i]}}`,
      });
      const body = (await res.json()) as { verified?: boolean; verdict?: string };
      const expected = revoked.has(i) ? "revoked" : "valid";
      if (body.verdict !== expected) {
        failures.push(`${ids[i]}: ${res.status} ${body.verdict}, expected ${expected}`);
      }
    },
    4,
  );
  await copy.close();
  console.log(
    `verified on the copy in ${seconds(started)} (${fmt(verifyRate)}/s): ${total - failures.length} of ${total} as ` +
      `expected (${total - revoked.size} valid, ${revoked.size} revoked)`,
  );
  if (failures.length > 0) {
    console.log(failures.slice(0, 10).join("\n"));
    process.exitCode = 1;
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
