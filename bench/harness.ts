import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "../src/compose.js";
import { loadConfig } from "../src/config.js";
import { generateIssuerKey, type StoredIssuerKey } from "../src/crypto/issuer-keys.js";
import { createLogger } from "../src/logger.js";
import type { ServiceContext } from "../src/services/deps.js";

/**
 * A service context on a real file database (WAL) in a temp folder, with fresh keys (returned too); logging off.
 * `env` adds or overrides configuration variables (an SMTP URL, allow-listed hosts).
 */
export async function benchContext(env: Record<string, string | undefined> = {}): Promise<{
  ctx: ServiceContext;
  keys: StoredIssuerKey[];
  cleanup: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "laurel-bench-"));
  const config = loadConfig({
    LAUREL_PUBLIC_URL: "https://badges.bench",
    LAUREL_DB_PATH: join(dir, "bench.db"),
    // unset: one signing thread per core, as the server runs
    LAUREL_SIGNING_THREADS: process.env.LAUREL_SIGNING_THREADS,
    ...env,
  });
  const keys = [await generateIssuerKey(1, new Date())];
  const { ctx, close } = await composeServices(config, {
    logger: createLogger({ level: "silent", write: () => {} }),
    database: "create",
    keys,
    fetchRemote: null,
  });
  return {
    ctx,
    keys,
    cleanup: async () => {
      await close();
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
