import "../harden-process.js";
import { ConfigError, loadConfig } from "../config.js";
import { readIssuerKeys, rotateIssuerKeys } from "../crypto/key-files.js";
import { didWebFor } from "../domain/issuer.js";

/** `npm run keys:rotate`: adds a new active key generation; older ones stay published, public-only. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const next = await rotateIssuerKeys(config.keysDir, new Date());
  const did = didWebFor(config.publicUrl);
  const all = readIssuerKeys(config.keysDir);
  process.stdout.write(
    [
      `New active key: ${did}#key-${next.generation} (VC-JWT kid ${config.publicUrl}/keys/key-${next.generation})`,
      `Published keys: ${all.map((k) => `key-${k.generation} (${k.status})`).join(", ")}`,
      "Restart the service to sign with the new key.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`laurel keys:rotate: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
});
