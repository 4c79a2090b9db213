import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { type CpuClock, memoryBytes, processCpu, threadCpu } from "../test/helpers/process-cpu.js";
import { CHILD_START_MS, freePort } from "../test/helpers/server-process.js";
import { fmt, median } from "./harness.js";

/**
 * The service as production runs it, for the benches' over-HTTP sections: `src/main.ts` in a process of its own
 * (@hono/node-server's `serve`, its lightweight Request/Response, the HTTP parser and socket writes, the periodic
 * jobs, one log line per request at the default level written to `logFile`), on 127.0.0.1 at a free port; a client in
 * the bench's process with keep-alive connections (node:http) and a fixed number of requests in flight.
 */
export type HttpService = {
  pid: number;
  port: number;
  /** SIGTERM, then its exit. */
  stop: () => Promise<void>;
};

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode);
    } else {
      child.once("exit", (code) => resolve(code));
    }
  });
}

/** GET /healthz once, without keep-alive: its status, or 0 when nothing answers. */
function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

/**
 * Starts `node --disable-proto=delete --import tsx src/main.ts` with `env` (the bench's private copy and its keys),
 * PORT a port found free and HOST 127.0.0.1, its standard output and error appended to `logFile`; `nodeOptions` for
 * node itself (e.g. `--cpu-prof` for a profile script), `cwd` another checkout's folder (an A/B of two builds).
 * Resolves once /healthz answers 200. When the port was taken meanwhile, tries another (three times in all).
 */
export async function startHttpService(
  env: Record<string, string>,
  logFile: string,
  nodeOptions: string[] = [],
  cwd = process.cwd(),
): Promise<HttpService> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const log = openSync(logFile, "a");
    const child = spawn(
      process.execPath,
      [...nodeOptions, "--disable-proto=delete", "--import", "tsx", "src/main.ts"],
      {
        env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
        stdio: ["ignore", log, log],
        cwd,
      },
    );
    closeSync(log);
    // a bench that exits without stopping it (an uncaught error) does not leave it serving (Ctrl-C in a terminal
    // reaches it through the process group)
    const orphaned = () => child.kill("SIGKILL");
    process.once("exit", orphaned);
    const exited = exitOf(child);
    void exited.then(() => process.off("exit", orphaned));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    const deadline = performance.now() + CHILD_START_MS;
    while (!gone && performance.now() < deadline && (await probe(port)) !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!gone && child.pid !== undefined && performance.now() < deadline) {
      return {
        pid: child.pid,
        port,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGTERM");
          }
          await exited;
        },
      };
    }
    if (!gone) {
      child.kill("SIGKILL");
      await exited;
    }
    const output = readFileSync(logFile, "utf8").slice(-2000);
    if (attempt < 3 && output.includes(`port ${port} on`) && output.includes("already in use")) {
      continue;
    }
    throw new Error(`the service did not answer /healthz (${gone ? "it exited" : "timed out"}):\n${output}`);
  }
}

export type HttpResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A client of the service on `port`: up to `sockets` keep-alive connections. */
export function httpClient(port: number, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return {
    get: (path: string, headers: Record<string, string> = {}) => send("GET", path, headers),
    post: (path: string, headers: Record<string, string>, body: string) =>
      send("POST", path, { ...headers, "content-length": String(Buffer.byteLength(body)) }, body),
    close: () => agent.destroy(),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/**
 * A measured request: its path (a function for a path drawn per request), headers, and the bytes its answer must hold
 * (checked on every answer with its status 200, as the in-process sections check theirs); a POST when it has a body.
 */
export type HttpRoute = {
  path: string | (() => string);
  headers?: Record<string, string>;
  expect?: string;
  /** A POST's body (a function for a body drawn per request); a GET without it. */
  body?: string | (() => string);
};

/** One block of one route: what the client saw and what the server's process spent. */
export type BlockFigures = {
  /** Requests per second the client saw. */
  rate: number;
  /** The server process's CPU per request (every thread), and its main thread's (µs). */
  cpuUs: number;
  mainUs: number;
  /** The server's main thread's CPU, its whole process's and the client's (this process), as shares of the wall time. */
  mainShare: number;
  serverShare: number;
  clientShare: number;
  /** Where the server's CPU was read from (cpuNote says what that means for the figures). */
  clock: CpuClock;
};

/**
 * The server's CPU from /proc, every thread and its main thread: the scheduler's runtime in ns (schedstat), or /proc
 * stat's 10 ms ticks where the kernel has no schedstat (both readings of a block then use it: the clock is that of the
 * process's main thread, which does not change while it runs).
 */
function serverCpu(pid: number): { all: number; main: number; clock: CpuClock } {
  const all = processCpu(pid);
  const main = threadCpu(pid);
  if (!all || !main) {
    throw new Error(`no /proc figures for the server (pid ${pid}): it has exited, or this is not Linux`);
  }
  return { all: all.seconds, main: main.seconds, clock: all.clock };
}

/** What the server's CPU figures were read from and how fine they are, for a section's heading. */
export function cpuNote(clock: CpuClock | undefined): string {
  return clock === "schedstat"
    ? "server CPU from /proc schedstat (the scheduler's runtime, ns)"
    : "server CPU from /proc stat (10 ms ticks, no schedstat here: a block's CPU is off by up to 10 ms, so the CPU figures of a --quick run are noise)";
}

/** `count` requests of `route` with `inFlight` in flight, each answer checked. */
async function run(client: HttpClient, route: HttpRoute, count: number, inFlight: number): Promise<void> {
  let left = count;
  const lane = async () => {
    while (left-- > 0) {
      const path = typeof route.path === "function" ? route.path() : route.path;
      const body = typeof route.body === "function" ? route.body() : route.body;
      const res =
        body === undefined ? await client.get(path, route.headers) : await client.post(path, route.headers ?? {}, body);
      if (res.status !== 200 || (route.expect !== undefined && !res.body.includes(route.expect))) {
        throw new Error(`${path}: ${res.status} ${res.body.subarray(0, 300).toString()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

/** One block: `count` requests of `route`, timed, with the server's CPU read from /proc before and after. */
export async function measureBlock(
  service: HttpService,
  client: HttpClient,
  route: HttpRoute,
  count: number,
  inFlight: number,
): Promise<BlockFigures> {
  const before = serverCpu(service.pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await run(client, route, count, inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const after = serverCpu(service.pid);
  const own = process.cpuUsage(client0);
  if (after.clock !== before.clock) {
    throw new Error(`the server's CPU was read from ${before.clock} then ${after.clock}: the difference means nothing`);
  }
  const cpu = after.all - before.all;
  const main = after.main - before.main;
  return {
    rate: count / seconds,
    cpuUs: (cpu * 1e6) / count,
    mainUs: (main * 1e6) / count,
    mainShare: main / seconds,
    serverShare: cpu / seconds,
    clientShare: (own.user + own.system) / 1e6 / seconds,
    clock: after.clock,
  };
}

/**
 * Alternating blocks over `routes` (after `warmup` requests of each), the last route being the baseline (the trivial
 * route); the figures of every block by route name.
 */
export async function measureRoutes(
  service: HttpService,
  client: HttpClient,
  routes: Record<string, HttpRoute>,
  options: { blocks: number; perBlock: number; inFlight: number; warmup: number },
): Promise<Record<string, BlockFigures[]>> {
  const figures: Record<string, BlockFigures[]> = Object.fromEntries(Object.keys(routes).map((name) => [name, []]));
  for (const route of Object.values(routes)) {
    await run(client, route, options.warmup, options.inFlight);
  }
  for (let b = 0; b < options.blocks; b++) {
    for (const [name, route] of Object.entries(routes)) {
      figures[name]?.push(await measureBlock(service, client, route, options.perBlock, options.inFlight));
    }
  }
  return figures;
}

/** The peak and last resident size of a process, sampled every `everyMs` until `stop`; its kernel peak (VmHWM) too. */
export function sampleRss(pid: number, everyMs = 50) {
  let peak = memoryBytes(pid, "VmRSS") ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryBytes(pid, "VmRSS") ?? 0);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const end = memoryBytes(pid, "VmRSS") ?? 0;
      return { peak: Math.max(peak, end), end, highWater: memoryBytes(pid, "VmHWM") ?? 0 };
    },
  };
}

/** The server's CPU while nothing is asked of it for `ms` (its periodic jobs), as a share of one core. */
export async function idleShare(service: HttpService, ms: number): Promise<number> {
  const cpu0 = serverCpu(service.pid).all;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (serverCpu(service.pid).all - cpu0) / ((performance.now() - t0) / 1000);
}

const pct = (share: number) => `${fmt(100 * share, 0)} %`;

/**
 * What the trivial route (/.well-known/did.json) goes through over HTTP (src/app.ts), for the sections' headings: the
 * ratios over HTTP divide by it. bench/profile-http.ts shows where its CPU goes in a profile.
 */
export const TRIVIAL_OVER_HTTP = [
  "  the trivial route goes through the whole middleware chain (request id, context, log line, security headers, body limit: a GET passes unread,",
  "  the public documents' CORS: set on the answer after the route), and its answer is written to the socket as it is",
].join("\n");

/**
 * The over-HTTP section's lines: per route the client's rate and its ratio to the trivial route (the last route),
 * the server's CPU per request (process and main thread) and the inverse ratio of CPU per request (trivial's / the
 * route's: on the same scale as the rate ratio, higher is better), medians of per-block ratios; the server's main
 * thread's share of the wall time says whether it was saturated. When the trivial route did not keep the server's
 * main thread busy, its rate was bound by the client or the machine, and the rate ratios flatter the pages: a line
 * says so, and the CPU ratios are the ones to read.
 */
export function httpLines(figures: Record<string, BlockFigures[]>): string[] {
  const names = Object.keys(figures);
  const trivialName = names.at(-1) as string;
  const trivial = figures[trivialName] ?? [];
  const lines: string[] = [];
  for (const name of names) {
    const blocks = figures[name] ?? [];
    const of = (pick: (f: BlockFigures) => number) => median(blocks.map(pick));
    const rateRatio = median(blocks.map((f, i) => f.rate / (trivial[i]?.rate ?? Number.NaN)));
    const cpuRatio = median(blocks.map((f, i) => (trivial[i]?.cpuUs ?? Number.NaN) / f.cpuUs));
    const mainRatio = median(blocks.map((f, i) => (trivial[i]?.mainUs ?? Number.NaN) / f.mainUs));
    lines.push(
      `    ${name.padEnd(40)} ${fmt(
        of((f) => f.rate),
        0,
      ).padStart(7)} req/s (${fmt(rateRatio, 2)}× trivial)   server CPU ${fmt(
        of((f) => f.cpuUs),
        0,
      ).padStart(5)} µs/req (${fmt(cpuRatio, 2)}× trivial), main thread ${fmt(
        of((f) => f.mainUs),
        0,
      ).padStart(5)} µs/req (${fmt(mainRatio, 2)}×)`,
      `      main thread busy ${pct(of((f) => f.mainShare))} of the wall time, server process ${pct(of((f) => f.serverShare))}, client ${pct(of((f) => f.clientShare))}   rates: ${blocks.map((f) => fmt(f.rate, 0)).join(" ")}`,
    );
  }
  const trivialMain = median(trivial.map((f) => f.mainShare));
  if (trivialMain < 0.9) {
    lines.push(
      `    note: on the trivial route the server's main thread was busy ${pct(trivialMain)} of the time: its rate was bound by the client or the machine (2 cores shared), not the server, so the rate ratios flatter the pages; read the CPU-per-request ratios`,
    );
  }
  return lines;
}
