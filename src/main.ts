import "./harden-process.js";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { type Started, startServices } from "./bootstrap.js";
import { ConfigError, loadConfig } from "./config.js";
import { CatalogError } from "./domain/catalog/parse-catalog.js";
import { createLogger, type Logger } from "./logger.js";
import type { ServiceContext } from "./services/deps.js";
import { emitExpiringEvents } from "./services/events.js";

function bootstrapLines(key: Started["bootstrapKey"]): string[] {
  if (key?.state === "created") {
    return [
      `  admin API key    written to ${key.path} (use: Authorization: Bearer $(cat ${key.path}))`,
      "                   store it somewhere safe, then delete the file",
    ];
  }
  if (key?.state === "present") {
    return [`  admin API key    ${key.path} is still on disk: delete it once you have stored the key`];
  }
  return ["  admin API keys   npm run api-keys -- create --name NAME --scopes admin"];
}

/** How often the expiry-reminder sweep runs (reminders are due on a day, so an hour is precise enough). */
const EXPIRY_SWEEP_MS = 60 * 60 * 1000;

/** Emits due `credential.expiring` events now and every hour; the timer never keeps the process alive. */
function startExpirySweep(ctx: ServiceContext, logger: Logger): NodeJS.Timeout {
  const sweep = () => {
    try {
      const emitted = emitExpiringEvents(ctx, ctx.clock());
      if (emitted > 0) {
        logger.info("expiry reminders emitted", { count: emitted });
      }
    } catch (error) {
      logger.error("expiry reminder sweep failed", { error: error instanceof Error ? error.message : String(error) });
    }
  };
  sweep();
  const timer = setInterval(sweep, EXPIRY_SWEEP_MS);
  timer.unref();
  return timer;
}

function fail(message: string): never {
  process.stderr.write(`laurel: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, write: (line) => process.stdout.write(line) });
  const started = await startServices(config, logger);
  const app = createApp(started.ctx);
  const sweepTimer = startExpirySweep(started.ctx, logger);
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
      ...bootstrapLines(started.bootstrapKey),
      ...(base.startsWith("http://")
        ? [
            "",
            "  note: did:web resolves over https only, so verifiers elsewhere cannot check credentials issued",
            "        under http://localhost; set LAUREL_PUBLIC_URL to your https origin for real credentials.",
          ]
        : []),
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  });
  const shutdown = () => {
    clearInterval(sweepTimer);
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
