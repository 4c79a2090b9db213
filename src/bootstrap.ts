import { existsSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "./compose.js";
import type { Config } from "./config.js";
import { writeSecretFile } from "./crypto/key-files.js";
import type { Logger } from "./logger.js";
import { ensureBootstrapKey } from "./services/api-keys.js";
import type { ServiceContext } from "./services/deps.js";

export const BOOTSTRAP_KEY_FILE = "bootstrap-admin-key.txt";

export type Started = {
  ctx: ServiceContext;
  close: () => Promise<void>;
  keysCreated: boolean;
  /** The bootstrap admin key file: `created` on first start, `present` while the operator has not removed it. */
  bootstrapKey: { path: string; state: "created" | "present" } | null;
};

/**
 * Opens everything the server needs from its configuration (compose.ts): database (created and migrated), issuer keys
 * (generated on first start), catalog (validated); then the bootstrap admin key (first start only, written to a 0600
 * file in the keys folder, never printed).
 */
export async function startServices(config: Config, logger: Logger): Promise<Started> {
  const { ctx, close, keysCreated } = await composeServices(config, { logger, database: "create", keys: "create" });
  const bootstrapPath = join(config.keysDir, BOOTSTRAP_KEY_FILE);
  const bootstrap = await ensureBootstrapKey(ctx);
  if (bootstrap) {
    writeSecretFile(bootstrapPath, `${bootstrap.token}\n`);
  }
  const bootstrapKey = bootstrap
    ? { path: bootstrapPath, state: "created" as const }
    : existsSync(bootstrapPath)
      ? { path: bootstrapPath, state: "present" as const }
      : null;
  return { ctx, close, keysCreated, bootstrapKey };
}
