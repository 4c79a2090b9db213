import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { generateIssuerKey } from "../src/crypto/issuer-keys.js";
import { createKeyring } from "../src/crypto/keyring.js";
import { didWebFor } from "../src/domain/issuer.js";
import { loadArtwork, loadCatalog } from "../src/load-templates.js";
import { createLogger } from "../src/logger.js";
import { createServiceContext, type ServiceContext } from "../src/services/deps.js";
import { syncAchievements } from "../src/storage/achievements-repo.js";
import { openDb } from "../src/storage/db.js";

/** A service context on a real file database (WAL) in a temp folder, with fresh keys; logging off. */
export async function benchContext(): Promise<{ ctx: ServiceContext; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "laurel-bench-"));
  const config = loadConfig({ LAUREL_PUBLIC_URL: "https://badges.bench", LAUREL_DB_PATH: join(dir, "bench.db") });
  const catalog = loadCatalog("templates");
  const { db, close } = openDb(config.dbPath);
  const now = new Date();
  syncAchievements(db, catalog.entries, now);
  const keyring = await createKeyring({
    keys: [await generateIssuerKey(1, now)],
    did: didWebFor(config.publicUrl),
    publicUrl: config.publicUrl,
  });
  const ctx = createServiceContext({
    config,
    db,
    keyring,
    catalog,
    artwork: loadArtwork("templates"),
    logger: createLogger({ level: "silent", write: () => {} }),
    clock: () => new Date(),
    newId: () => randomUUID(),
    newSalt: () => randomBytes(16).toString("hex"),
    newSecret: () => randomBytes(32).toString("base64url"),
    randomInt: (maxExclusive: number) => randomInt(maxExclusive),
  });
  return {
    ctx,
    cleanup: () => {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `count` operations with at most `concurrency` in flight (1 = strictly sequential) and
 * returns operations per second.
 */
export async function rate(count: number, op: (i: number) => Promise<unknown>, concurrency = 1): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await op(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return (count * 1000) / (performance.now() - start);
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
