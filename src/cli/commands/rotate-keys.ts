import { rotateKeys } from "../../bootstrap.js";
import { ConfigError } from "../../config.js";
import { didWebFor } from "../../domain/issuer.js";
import type { Command } from "../command.js";

/** `npm run keys:rotate`: adds a new active key generation; older ones stay published, public-only. */
export const run: Command = async (_argv, io, services) => {
  try {
    const config = services.config();
    const { next, all } = await rotateKeys(config, new Date());
    const did = didWebFor(config.publicUrl);
    io.out(
      [
        `New active key: ${did}#key-${next.generation} (VC-JWT kid ${config.publicUrl}/keys/key-${next.generation})`,
        `Published keys: ${all.map((k) => `key-${k.generation} (${k.status})`).join(", ")}`,
        "Restart the service to sign with the new key.",
        "",
      ].join("\n"),
    );
    return 0;
  } catch (error) {
    io.err(`laurel keys:rotate: ${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 1;
  }
};
