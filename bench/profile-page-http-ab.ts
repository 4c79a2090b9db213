import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import http from "node:http";
import { join, resolve } from "node:path";
import { cpuSeconds } from "../test/helpers/process-cpu.js";
import { median } from "./harness.js";
import { openKeptServices, randomPicker } from "./pages-database.js";

/**
 * Credential page views of random ids and the trivial route over loopback HTTP, served by the real service
 * (`src/main.ts`, as production runs it: @hono/node-server, default logging, its lines to a file) of each tree given,
 * each in its own process on the private copy kept by bench/profile-page.ts (KEEP=<dir>, projections filled); 8 in
 * flight on keep-alive connections; every answer checked (status, and the page's valid verdict). Blocks alternate
 * between the trees (their order reversed every block) and the two routes; per block, the server process's CPU per
 * request (all its threads, /proc, 10 ms ticks) and the rate the client saw. Prints medians and the medians of
 * per-block ratios. Two copies of one tree give the harness's own spread (an A/A run):
 *   git archive <commit> src bench package.json tsconfig.json templates public | tar -x -C /tmp/base
 *   ln -s "$PWD/node_modules" /tmp/base/
 *   KEEP=<dir> node --import tsx bench/profile-page-http-ab.ts . /tmp/base [blocks] [perBlock]
 * The client runs in this process, on the same machine: its rate is bounded by both; compare CPU per request.
 */
const trees = process.argv.slice(2, 4).map((tree) => resolve(tree));
const blocks = Number(process.argv[4] ?? 8);
const perBlock = Number(process.argv[5] ?? 3000);
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const IN_FLIGHT = 8;

const kept = await openKeptServices();
const ids = kept.ids;
await kept.close();
const randomId = randomPicker(ids, 0x2545f491);

type Server = { name: string; port: number; pid: number; agent: http.Agent; stop: () => void };

function start(tree: string, index: number): Server {
  const port = 39_100 + index;
  const log = openSync(join(kept.dir, `server-${index}.log`), "w");
  const child = spawn(process.execPath, ["--disable-proto=delete", "--import", "tsx", "src/main.ts"], {
    cwd: tree,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LAUREL_PUBLIC_URL: "https://badges.bench",
      LAUREL_DB_PATH: join(kept.dir, "laurel.db"),
      LAUREL_KEYS_DIR: join(kept.dir, "keys"),
      LAUREL_SIGNING_THREADS: "0",
    },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  return {
    name: `${index}:${tree}`,
    port,
    pid: child.pid as number,
    agent,
    stop: () => {
      child.kill("SIGTERM");
      agent.destroy();
    },
  };
}

function get(server: Server, path: string, accept?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((done, fail) => {
    const request = http.get(
      { host: "127.0.0.1", port: server.port, path, agent: server.agent, headers: accept ? { accept } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    request.on("error", fail);
  });
}

const kinds: Record<string, (server: Server) => Promise<void>> = {
  page: async (server) => {
    const { status, body } = await get(server, `/credentials/${randomId()}`, BROWSER);
    if (status !== 200 || !body.includes('data-verdict="valid"')) {
      throw new Error(`${server.name}: page ${status}`);
    }
  },
  trivial: async (server) => {
    const { status } = await get(server, "/.well-known/did.json");
    if (status !== 200) {
      throw new Error(`${server.name}: trivial ${status}`);
    }
  },
};

async function run(server: Server, op: (server: Server) => Promise<void>, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < count) {
        await op(server);
      }
    }),
  );
}

const servers = trees.map(start);
try {
  for (const server of servers) {
    for (let attempt = 0; ; attempt++) {
      const up = await get(server, "/healthz").catch(() => undefined);
      if (up?.status === 200) {
        break;
      }
      if (attempt > 600) {
        throw new Error(`${server.name} did not start`);
      }
      await new Promise((wake) => setTimeout(wake, 200));
    }
    for (const op of Object.values(kinds)) {
      await run(server, op, 1500); // warm-up: JIT, templates, statements
    }
  }
  const cpu: Record<string, number[]> = {};
  const rates: Record<string, number[]> = {};
  for (let b = 0; b < blocks; b++) {
    for (const server of b % 2 === 0 ? servers : [...servers].reverse()) {
      for (const [kind, op] of Object.entries(kinds)) {
        const line = `${server.name} ${kind}`;
        const before = cpuSeconds(server.pid);
        const started = performance.now();
        await run(server, op, perBlock);
        rates[line] = [...(rates[line] ?? []), perBlock / ((performance.now() - started) / 1000)];
        cpu[line] = [...(cpu[line] ?? []), ((cpuSeconds(server.pid) - before) * 1e6) / perBlock];
      }
    }
  }
  console.log(`== page over HTTP, ${blocks} alternating blocks of ${perBlock}, ${IN_FLIGHT} in flight ==`);
  for (const [line, values] of Object.entries(cpu)) {
    console.log(
      `  ${line.padEnd(48)} ${median(values).toFixed(0).padStart(5)} µs CPU/request  ${median(rates[line] ?? [])
        .toFixed(0)
        .padStart(6)} /s   CPU blocks: ${values.map((v) => v.toFixed(0)).join(" ")}`,
    );
  }
  const perBlockRatio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] ?? Number.NaN)));
  for (const server of servers) {
    const page = `${server.name} page`;
    const trivial = `${server.name} trivial`;
    console.log(
      `  ${server.name}: page / trivial, per-block medians: as CPU per request ${perBlockRatio(cpu[trivial] ?? [], cpu[page] ?? []).toFixed(3)}×, as client rates ${perBlockRatio(rates[page] ?? [], rates[trivial] ?? []).toFixed(3)}×`,
    );
  }
  const [first, second] = servers;
  if (first && second) {
    for (const kind of Object.keys(kinds)) {
      console.log(
        `  ${kind} CPU per request, first / second tree, median of per-block ratios: ${perBlockRatio(cpu[`${first.name} ${kind}`] ?? [], cpu[`${second.name} ${kind}`] ?? []).toFixed(3)}`,
      );
    }
  }
} finally {
  for (const server of servers) {
    server.stop();
  }
}
