import { composeServices } from "../compose.js";
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
import type { ServiceContext } from "../services/deps.js";

/**
 * The service context of an existing installation, for operator commands (compose.ts): never creates a database or
 * keys (a mistyped path would silently get fresh ones); the service must have started once. Warnings and errors are
 * logged to `writeLog` (the command's stderr).
 */
export async function openExistingServices(
  config: Config,
  writeLog: (line: string) => void,
  options: { signingPool?: boolean } = {},
): Promise<{ ctx: ServiceContext; close: () => Promise<void> }> {
  const { ctx, close } = await composeServices(config, {
    logger: createLogger({ level: "warn", write: writeLog }),
    database: "existing",
    keys: "existing",
    // A command signs a credential or two: not worth starting threads for (a bulk job is: the configured pool).
    ...(options.signingPool ? {} : { signingThreads: 0 }),
  });
  return { ctx, close };
}
