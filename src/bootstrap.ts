import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "./config.js";
import { ensureIssuerKeys, writeSecretFile } from "./crypto/key-files.js";
import { createKeyring } from "./crypto/keyring.js";
import { didWebFor } from "./domain/issuer.js";
import { loadArtwork, loadCatalog } from "./load-templates.js";
import type { Logger } from "./logger.js";
import { ensureBootstrapKey } from "./services/api-keys.js";
import { createServiceContext, type ServiceContext } from "./services/deps.js";
import { syncAchievements } from "./storage/achievements-repo.js";
import { openDb } from "./storage/db.js";
import { createGuardedFetch } from "./verify/guarded-fetch.js";

export const BOOTSTRAP_KEY_FILE = "bootstrap-admin-key.txt";

/** Production randomness and time, injected into services as functions. */
export const systemDeps = {
  clock: () => new Date(),
  // used only when LAUREL_VERIFY_REMOTE is on: https to public addresses, short timeout, size cap
  fetchRemote: createGuardedFetch(),
  newId: () => randomUUID(),
  newSalt: () => randomBytes(16).toString("hex"),
  newSecret: () => randomBytes(32).toString("base64url"),
  randomInt: (maxExclusive: number) => randomInt(maxExclusive),
};

export type Started = {
  ctx: ServiceContext;
  close: () => void;
  keysCreated: boolean;
  /** The bootstrap admin key file: `created` on first start, `present` while the operator has not removed it. */
  bootstrapKey: { path: string; state: "created" | "present" } | null;
};

/**
 * Opens everything the service needs from its configuration: database (migrated), issuer keys
 * (generated on first start), catalog (validated), and the bootstrap admin key (first start only,
 * written to a 0600 file in the keys folder, never printed).
 */
export async function startServices(config: Config, logger: Logger): Promise<Started> {
  const catalog = loadCatalog(config.templatesDir);
  const artwork = loadArtwork(config.templatesDir);
  const now = systemDeps.clock();
  const { keys, created } = await ensureIssuerKeys(config.keysDir, now);
  const keyring = await createKeyring({ keys, did: didWebFor(config.publicUrl), publicUrl: config.publicUrl });
  const { db, close, tightened } = openDb(config.dbPath);
  if (tightened.length > 0) {
    logger.warn("database files were readable by others: now owner-only (0600)", { files: tightened.join(", ") });
  }
  syncAchievements(db, catalog.entries, now);
  const ctx = createServiceContext({ config, db, keyring, catalog, artwork, logger, ...systemDeps });
  const bootstrapPath = join(config.keysDir, BOOTSTRAP_KEY_FILE);
  const bootstrap = ensureBootstrapKey(ctx);
  if (bootstrap) {
    writeSecretFile(bootstrapPath, `${bootstrap.token}\n`);
  }
  const bootstrapKey = bootstrap
    ? { path: bootstrapPath, state: "created" as const }
    : existsSync(bootstrapPath)
      ? { path: bootstrapPath, state: "present" as const }
      : null;
  return { ctx, close, keysCreated: created, bootstrapKey };
}
