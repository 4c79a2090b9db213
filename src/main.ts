import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { startServices } from "./bootstrap.js";
import { ConfigError, loadConfig } from "./config.js";
import { CatalogError } from "./domain/catalog/parse-catalog.js";
import { createLogger } from "./logger.js";

function fail(message: string): never {
  process.stderr.write(`laurel: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, write: (line) => process.stdout.write(line) });
  const started = await startServices(config, logger);
  const app = createApp(started.ctx);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    const base = config.publicUrl;
    const lines = [
      "",
      `Laurel is running on http://${config.host}:${config.port} (public URL ${base})`,
      `  issuer           ${started.ctx.keyring.did} (${config.issuer.name})`,
      `  API reference    ${base}/docs`,
      `  OpenAPI          ${base}/openapi.json`,
      `  DID document     ${base}/.well-known/did.json`,
      `  catalog          ${base}/achievements (${started.ctx.catalog.entries.length} certifications)`,
      `  database         ${config.dbPath}`,
      `  keys             ${config.keysDir}/${started.keysCreated ? " (generated now)" : ""}`,
      started.bootstrapKeyFile
        ? `  admin API key    in ${started.bootstrapKeyFile} (use: Authorization: Bearer $(cat ${started.bootstrapKeyFile}))`
        : "  admin API key    create one with: npm run api-keys -- create --name NAME --scopes admin",
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  });
  const shutdown = () => {
    server.close(() => {
      started.close();
      process.exit(0);
    });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CatalogError) {
    fail(error.message);
  }
  fail(`could not start: ${error instanceof Error ? error.message : String(error)}`);
});
