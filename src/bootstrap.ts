import { existsSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "./compose.js";
import type { Config } from "./config.js";
import { writeSecretFile } from "./crypto/key-files.js";
import type { Logger } from "./logger.js";
import { ensureBootstrapKey } from "./services/api-keys.js";
import type { ServiceContext } from "./services/deps.js";
import { ensureFirstAdmin } from "./services/users.js";

export const BOOTSTRAP_KEY_FILE = "bootstrap-admin-key.txt";
export const BOOTSTRAP_CONSOLE_FILE = "bootstrap-admin-console.txt";

export type Started = {
  ctx: ServiceContext;
  close: () => Promise<void>;
  keysCreated: boolean;
  /** The bootstrap admin key file: `created` on first start, `present` while the operator has not removed it. */
  bootstrapKey: { path: string; state: "created" | "present" } | null;
  /** The first console admin's one-time sign-in file, likewise. */
  bootstrapConsole: { path: string; state: "created" | "present" } | null;
};

/** A bootstrap file's state: written now, still on disk, or gone (the operator kept the secret and removed it). */
function fileState(path: string, created: boolean): { path: string; state: "created" | "present" } | null {
  return created ? { path, state: "created" } : existsSync(path) ? { path, state: "present" } : null;
}

/**
 * Opens everything the server needs from its configuration (compose.ts): database (created and migrated), issuer keys
 * (generated on first start), catalog (validated); then the bootstrap admin key (first start only, written to a 0600
 * file in the keys folder, never printed) and the first console admin's one-time sign-in (likewise).
 */
export async function startServices(config: Config, logger: Logger): Promise<Started> {
  const { ctx, close, keysCreated } = await composeServices(config, { logger, database: "create", keys: "create" });
  const bootstrapPath = join(config.keysDir, BOOTSTRAP_KEY_FILE);
  const bootstrap = await ensureBootstrapKey(ctx);
  if (bootstrap) {
    writeSecretFile(bootstrapPath, `${bootstrap.token}\n`);
  }
  const consolePath = join(config.keysDir, BOOTSTRAP_CONSOLE_FILE);
  const admin = await ensureFirstAdmin(ctx);
  if (admin) {
    writeSecretFile(consolePath, firstAdminText(config.publicUrl, admin));
  }
  return {
    ctx,
    close,
    keysCreated,
    bootstrapKey: fileState(bootstrapPath, bootstrap !== null),
    bootstrapConsole: fileState(consolePath, admin !== null),
  };
}

function firstAdminText(publicUrl: string, admin: { email: string; password: string }): string {
  return [
    "The first Laurel console administrator. The password works once: the console asks for a new one at the first",
    "sign-in. Sign in, choose your password, then delete this file.",
    "",
    `address:  ${publicUrl}/console/sign-in`,
    `email:    ${admin.email}`,
    `password: ${admin.password}`,
    "",
  ].join("\n");
}
