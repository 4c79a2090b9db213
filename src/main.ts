import "./harden-process.js";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { type Started, startServices } from "./bootstrap.js";
import { redactedUrl } from "./compose.js";
import { ConfigError, loadConfig } from "./config.js";
import { CatalogError } from "./domain/catalog/parse-catalog.js";
import { createLogger, type Logger } from "./logger.js";
import { type ClusterJobs, serverJobs, startClusterJobs, TICK_MS } from "./services/cluster-jobs.js";

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

function consoleLines(file: Started["bootstrapConsole"], base: string): string[] {
  if (file?.state === "created") {
    return [
      `  console          ${base}/console: the first admin's one-time sign-in is in ${file.path}`,
      "                   sign in, choose a password, then delete the file",
    ];
  }
  if (file?.state === "present") {
    return [`  console          ${base}/console (${file.path} is still on disk: delete it once you have signed in)`];
  }
  return [`  console          ${base}/console`];
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

/**
 * Counts the requests in flight and, once the server is stopping, answers each with `Connection: close` and closes
 * the connections that fall idle, so that `server.close()` completes as soon as the last request has its answer.
 */
function trackRequests(server: Server): { inFlight: () => number; stopping: () => void } {
  let inFlight = 0;
  let stopping = false;
  server.prependListener("request", (_req, res) => {
    inFlight++;
    if (stopping) {
      res.setHeader("connection", "close");
    }
    res.once("close", () => {
      inFlight--;
      if (stopping) {
        setImmediate(() => server.closeIdleConnections());
      }
    });
  });
  return {
    inFlight: () => inFlight,
    stopping: () => {
      stopping = true;
    },
  };
}

/**
 * Stops accepting connections and waits for the requests in flight (at most `timeoutMs`; then their connections are
 * closed), closing keep-alive connections as they fall idle.
 */
function drain(server: Server, requests: ReturnType<typeof trackRequests>, timeoutMs: number, logger: Logger) {
  return new Promise<void>((resolve) => {
    requests.stopping();
    const timer = setTimeout(() => {
      logger.warn("requests still in flight at the shutdown timeout: their connections are closed", {
        count: requests.inFlight(),
      });
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, write: (line) => process.stdout.write(line) });
  const started = await startServices(config, logger);
  const { ctx } = started;
  const app = createApp(ctx);
  let jobs: ClusterJobs | undefined;
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    // Periodic work runs on one node of the cluster at a time: the one holding its lease.
    const leaseMs = config.leaseSeconds * 1000;
    jobs = startClusterJobs(ctx, serverJobs(ctx, logger), { leaseMs, tickMs: Math.min(TICK_MS, leaseMs / 3) });
    const base = config.publicUrl;
    const lines = [
      "",
      `Laurel is running on http://${config.host}:${config.port} (public URL ${base})`,
      `  issuer           ${ctx.keys.current().keyring.did} (${config.issuer.name})`,
      `  API reference    ${base}/docs`,
      `  OpenAPI          ${base}/openapi.json`,
      `  DID document     ${base}/.well-known/did.json`,
      `  catalog          ${base}/achievements (${ctx.catalog.entries.length} certifications)`,
      `  database         ${config.databaseUrl ? redactedUrl(config.databaseUrl) : config.dbPath}`,
      `  keys             ${config.keysDir}/${started.keysCreated ? " (generated now)" : ""}`,
      `  health           ${base}/healthz (live), ${base}/readyz (ready)`,
      ...bootstrapLines(started.bootstrapKey),
      ...consoleLines(started.bootstrapConsole, base),
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
  }) as Server;
  server.on("error", (error: NodeJS.ErrnoException) => fail(listenProblem(error, config.host, config.port)));
  const requests = trackRequests(server);
  let stopping = false;
  /**
   * Graceful shutdown: readiness answers 503 at once, the server stops accepting connections, requests in flight
   * finish (at most LAUREL_SHUTDOWN_TIMEOUT_SECONDS), the periodic jobs finish their current run and release their
   * leases (another node takes them over at once), then the database closes. A second signal stops at once.
   */
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`laurel: ${signal} again: stopping now\n`);
      process.exit(1);
    }
    stopping = true;
    ctx.state.lifecycle.shuttingDown = true;
    logger.info("shutting down", { signal, inFlight: requests.inFlight() });
    const stopped = async () => {
      const timeoutMs = config.shutdownTimeoutSeconds * 1000;
      await Promise.all([drain(server, requests, timeoutMs, logger), jobs?.stop({ waitMs: timeoutMs })]);
      await started.close();
    };
    stopped().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error("shutdown failed", { error: error instanceof Error ? error.name : String(error) });
        process.exit(1);
      },
    );
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
