import "./harden-process.js";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { type Started, startServices } from "./bootstrap.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { CatalogError } from "./domain/catalog/parse-catalog.js";
import { createLogger, type Logger } from "./logger.js";
import { awardDueEvaluations } from "./services/award-due.js";
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

/** Where the data is: the SQLite file, or the PostgreSQL server and database (never the URL's user or password). */
function databaseLine(config: Config): string {
  if (!config.databaseUrl) {
    return config.dbPath;
  }
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/** How often the expiry-reminder sweep runs (reminders are due on a day, so an hour is precise enough). */
const EXPIRY_SWEEP_MS = 60 * 60 * 1000;

/**
 * The periodic award sweep leaves alone people marked due within the last minute: a request that stored their
 * evidence is still evaluating them (and reports the award in its own answer).
 */
const DUE_SETTLE_MS = 60 * 1000;

type Periodic = { stop: () => Promise<void> };

/** Runs `task` now and every `everyMs`, one run at a time; failures are logged; the timer never keeps the process alive. */
function startPeriodic(
  name: string,
  everyMs: number,
  task: (first: boolean) => Promise<void> | void,
  logger: Logger,
): Periodic {
  let running: Promise<void> | undefined;
  const run = (first: boolean) => {
    if (running) {
      return;
    }
    running = (async () => {
      try {
        await task(first);
      } catch (error) {
        logger.error(`${name} failed`, { error: error instanceof Error ? error.name : String(error) });
      } finally {
        running = undefined;
      }
    })();
  };
  run(true);
  const timer = setInterval(() => run(false), everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** Expiry reminders due now (at start, then hourly), and the evaluations that never completed (at start, then every `LAUREL_AWARD_SWEEP_SECONDS`). */
function startSweeps(ctx: ServiceContext, logger: Logger): Periodic[] {
  const expiry = startPeriodic(
    "expiry reminder sweep",
    EXPIRY_SWEEP_MS,
    async () => {
      const emitted = await emitExpiringEvents(ctx, ctx.clock());
      if (emitted > 0) {
        logger.info("expiry reminders emitted", { count: emitted });
      }
    },
    logger,
  );
  const awards = startPeriodic(
    "award sweep",
    ctx.config.awardSweepSeconds * 1000,
    async (first) => {
      // At start nothing of this process is in flight: everyone due is evaluated.
      const now = ctx.clock().getTime();
      await awardDueEvaluations(ctx, { markedBefore: new Date(first ? now : now - DUE_SETTLE_MS) });
    },
    logger,
  );
  return [expiry, awards];
}

/** One line saying why the server cannot listen (instead of the unhandled 'error' event's stack trace). */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `port ${port} on ${host} is already in use: stop the program using it, or set PORT to a free port`;
    case "EACCES":
      return `not allowed to listen on port ${port} on ${host}: use a port above 1023, or set PORT`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${host}: it is not an address of this machine (set HOST)`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
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
  let sweeps: Periodic[] = [];
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    sweeps = startSweeps(started.ctx, logger);
    const base = config.publicUrl;
    const lines = [
      "",
      `Laurel is running on http://${config.host}:${config.port} (public URL ${base})`,
      `  issuer           ${started.ctx.keyring.did} (${config.issuer.name})`,
      `  API reference    ${base}/docs`,
      `  OpenAPI          ${base}/openapi.json`,
      `  DID document     ${base}/.well-known/did.json`,
      `  catalog          ${base}/achievements (${started.ctx.catalog.entries.length} certifications)`,
      `  database         ${databaseLine(config)}`,
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
  server.on("error", (error: NodeJS.ErrnoException) => fail(listenProblem(error, config.host, config.port)));
  const shutdown = () => {
    server.close(async () => {
      await Promise.all(sweeps.map((s) => s.stop()));
      await started.close();
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
