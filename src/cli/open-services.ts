import { existsSync } from "node:fs";
import { systemDeps } from "../bootstrap.js";
import type { Config } from "../config.js";
import { readIssuerKeys } from "../crypto/key-files.js";
import { createKeyring } from "../crypto/keyring.js";
import { didWebFor } from "../domain/issuer.js";
import { loadArtwork, loadCatalog } from "../load-templates.js";
import { createLogger } from "../logger.js";
import { createServiceContext, type ServiceContext } from "../services/deps.js";
import { openDb } from "../storage/db.js";

/**
 * The service context of an existing installation, for operator commands: never creates a database or keys (a
 * mistyped path would silently get fresh ones); the service must have started once. Logs go to stderr.
 */
export async function openExistingServices(config: Config): Promise<{ ctx: ServiceContext; close: () => void }> {
  if (!existsSync(config.dbPath)) {
    throw new Error(`no database at ${config.dbPath}: start the service once first (or check LAUREL_DB_PATH)`);
  }
  const keys = existsSync(config.keysDir) ? readIssuerKeys(config.keysDir) : [];
  if (keys.length === 0) {
    throw new Error(`no issuer keys in ${config.keysDir}: start the service once first (or check LAUREL_KEYS_DIR)`);
  }
  const keyring = await createKeyring({ keys, did: didWebFor(config.publicUrl), publicUrl: config.publicUrl });
  const { db, close } = openDb(config.dbPath);
  const ctx = createServiceContext({
    config,
    db,
    keyring,
    catalog: loadCatalog(config.templatesDir),
    artwork: loadArtwork(config.templatesDir),
    logger: createLogger({ level: "warn", write: (line) => process.stderr.write(line) }),
    ...systemDeps,
  });
  return { ctx, close };
}
