import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findPostgresBinaries, startPostgres } from "../test/helpers/postgres-server.js";
import { cpuSeconds, treeCpuSeconds } from "../test/helpers/process-cpu.js";
import { freePort, type ServerProcess, startServer } from "../test/helpers/server-process.js";
import { fmt, median } from "./harness.js";

/**
 * Issuance over HTTP (POST /admin/credentials, a fixed number in flight) as deployed: `src/main.ts` processes on one
 * node with SQLite, one node with PostgreSQL, and two nodes with PostgreSQL (requests alternate between them), in
 * alternating blocks so the three share the machine's load; block medians and their ratios.
 *
 * Where the time goes, two honest measures (no instrumentation inside the service):
 * - CPU seconds per credential of each process involved, read from /proc (utime + stime, every thread: the signing
 *   pool's workers included) around each block: the Laurel node(s), and the PostgreSQL server (the postmaster and
 *   its backends). The rest of a request's wall time is waiting (I/O, locks, the other process's turn on the CPU).
 * - A CPU profile (`--cpu-prof`, main thread and signing workers) of one PostgreSQL node during one extra block, its
 *   self time summed by where the code lives: signing (canonicalisation, signatures), database client (pg driver,
 *   drizzle, our repositories), HTTP (node:http, hono, our routes), services and domain, and the rest.
 */

type Target = { name: string; nodes: ServerProcess[]; ports: number[]; token: string };

async function issueOnce(target: Target, i: number): Promise<void> {
  const port = target.ports[i % target.ports.length] as number;
  const res = await fetch(`http://127.0.0.1:${port}/admin/credentials`, {
    method: "POST",
    headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      achievementId: "gitlab-certified-associate",
      recipient: { email: `bench${i}@example.org`, name: `Bench ${i}` },
    }),
  });
  await res.arrayBuffer();
  if (res.status !== 201) {
    throw new Error(`${target.name}: POST /admin/credentials answered ${res.status}`);
  }
}

/** Issues `count` credentials with `inFlight` requests at once; credentials per second. */
async function block(target: Target, first: number, count: number, inFlight: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        await issueOnce(target, first + next++);
      }
    }),
  );
  return (count * 1000) / (performance.now() - start);
}

type Profile = {
  startTime: number;
  nodes: { id: number; callFrame: { url: string; functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
};

/** Where a function's code lives, in the words of the report. */
function categoryOf(url: string, functionName: string): string {
  if (functionName === "(garbage collector)") {
    return "garbage collection";
  }
  if (functionName === "(idle)" || functionName === "(program)" || functionName === "(root)") {
    return "idle / V8 (program)";
  }
  if (
    /rdf-canonize|jsonld|@digitalbazaar|@noble|jose|src\/crypto\/|signing-worker|piscina|node:internal\/crypto/.test(
      url,
    )
  ) {
    return "signing (canonicalise, sign)";
  }
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-)|drizzle-orm|better-sqlite3|src\/storage\//.test(url)) {
    return "database client (pg, drizzle, repos)";
  }
  if (/^(writev|writeBuffer|writeUtf8String|readStart|onStreamRead)$/.test(functionName) && url === "") {
    return "socket I/O (HTTP answers, database protocol)";
  }
  if (/node:_http|node:http|node:net|node:stream|@hono|node_modules\/hono|src\/http\//.test(url)) {
    return "HTTP (node:http, hono, routes)";
  }
  if (/src\/services\/|src\/domain\//.test(url)) {
    return "services and domain";
  }
  if (/zod|ajv/.test(url)) {
    return "validation (zod, ajv)";
  }
  return "other (node internals, tsx, libraries)";
}

/**
 * Self time by category of every profile in `dir` (one per thread), counting only the samples taken between `from` and
 * `to` (microseconds of the monotonic clock, which V8's profiles and process.hrtime share on Linux).
 */
function summariseProfiles(
  dir: string,
  from: number,
  to: number,
): { byCategory: Map<string, number>; others: Map<string, number>; threads: number } {
  const byCategory = new Map<string, number>();
  const others = new Map<string, number>();
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let at = profile.startTime;
    profile.samples.forEach((id, k) => {
      at += profile.timeDeltas[k] ?? 0;
      if (at < from || at > to) {
        return;
      }
      const frame = frames.get(id);
      const category = frame ? categoryOf(frame.url, frame.functionName) : "other (node internals, tsx, libraries)";
      const ms = (profile.timeDeltas[k] ?? 0) / 1000;
      byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
      if (category.startsWith("other")) {
        const where =
          frame?.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/src\//, "src/") ||
          frame?.functionName ||
          "?";
        others.set(where, (others.get(where) ?? 0) + ms);
      }
    });
  }
  return { byCategory, others, threads: files.length };
}

export async function benchClusterIssuance(options: { perBlock: number; blocks: number; inFlight: number }) {
  console.log(
    "\n== Issuance over HTTP: 1 node SQLite, 1 node PostgreSQL, 2 nodes PostgreSQL (POST /admin/credentials) ==",
  );
  const bin = findPostgresBinaries();
  if (!bin) {
    console.log("  skipped: PostgreSQL binaries not found (install Debian's postgresql, or set LAUREL_PG_BIN)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "laurel-bench-cluster-"));
  const postgres = await startPostgres({ bin });
  const started: ServerProcess[] = [];
  try {
    const admin = new pg.Client({ connectionString: postgres.url("postgres") });
    await admin.connect();
    await admin.query("create database laurel");
    await admin.query("create database laurel_profiled");
    await admin.end();
    const base = {
      PATH: process.env.PATH,
      HOST: "127.0.0.1",
      LAUREL_PUBLIC_URL: "https://badges.bench",
      LAUREL_LOG_LEVEL: "warn",
    };
    const node = async (env: Record<string, string>, nodeOptions: string[] = []) => {
      const port = await freePort();
      const server = await startServer(
        { ...base, ...env, PORT: String(port) },
        (out) => out.includes("Laurel is running"),
        nodeOptions,
        120_000, // a loaded machine starts a node slowly
      );
      started.push(server);
      return { server, port };
    };
    const tokenIn = (keys: string) => readFileSync(join(keys, "bootstrap-admin-key.txt"), "utf8").trim();

    const sqliteKeys = join(dir, "sqlite-keys");
    const lite = await node({ LAUREL_DB_PATH: join(dir, "laurel.db"), LAUREL_KEYS_DIR: sqliteKeys });
    const pgKeys = join(dir, "pg-keys");
    const pgEnv = { LAUREL_DATABASE_URL: postgres.url("laurel"), LAUREL_KEYS_DIR: pgKeys };
    const p1 = await node(pgEnv); // creates the shared keys and the bootstrap key
    const p2 = await node(pgEnv);
    const targets: Target[] = [
      { name: "1 node, SQLite", nodes: [lite.server], ports: [lite.port], token: tokenIn(sqliteKeys) },
      { name: "1 node, PostgreSQL", nodes: [p1.server], ports: [p1.port], token: tokenIn(pgKeys) },
      { name: "2 nodes, PostgreSQL", nodes: [p1.server, p2.server], ports: [p1.port, p2.port], token: tokenIn(pgKeys) },
    ];

    let n = 0;
    for (const target of targets) {
      await block(target, n, 40, options.inFlight); // warm-up: JIT, caches, pools, the signing workers
      n += 40;
    }
    const rates = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    const cpu = new Map<string, { laurel: number; postgres: number; count: number }>(
      targets.map((t) => [t.name, { laurel: 0, postgres: 0, count: 0 }]),
    );
    for (let b = 0; b < options.blocks; b++) {
      for (const target of targets) {
        const laurelBefore = target.nodes.reduce((s, x) => s + cpuSeconds(x.child.pid), 0);
        const postgresBefore = treeCpuSeconds(postgres.pid);
        rates.get(target.name)?.push(await block(target, n, options.perBlock, options.inFlight));
        n += options.perBlock;
        const used = cpu.get(target.name) as { laurel: number; postgres: number; count: number };
        used.laurel += target.nodes.reduce((s, x) => s + cpuSeconds(x.child.pid), 0) - laurelBefore;
        used.postgres += target.name.includes("PostgreSQL") ? treeCpuSeconds(postgres.pid) - postgresBefore : 0;
        used.count += options.perBlock;
      }
    }
    const med = new Map(targets.map((t) => [t.name, median(rates.get(t.name) ?? [])]));
    console.log(
      `  ${options.inFlight} in flight, ${options.perBlock} credentials per block, median of ${options.blocks} blocks:`,
    );
    for (const target of targets) {
      const blocks = (rates.get(target.name) ?? []).map((x) => fmt(x, 0)).join(" ");
      const used = cpu.get(target.name) as { laurel: number; postgres: number; count: number };
      console.log(
        `    ${target.name.padEnd(20)} ${fmt(med.get(target.name) ?? 0).padStart(7)} credentials/s   blocks: ${blocks}`,
      );
      console.log(
        `    ${"".padEnd(20)} CPU per credential: Laurel ${fmt((used.laurel * 1000) / used.count)} ms, PostgreSQL ${fmt((used.postgres * 1000) / used.count)} ms`,
      );
    }
    const [lite1, pg1, pg2] = targets.map((t) => med.get(t.name) ?? 0) as [number, number, number];
    console.log(`    1 node PostgreSQL / 1 node SQLite     = ${fmt((pg1 / lite1) * 100)} %`);
    console.log(`    2 nodes PostgreSQL / 1 node PostgreSQL = ${fmt((pg2 / pg1) * 100)} %`);
    console.log(`    2 nodes PostgreSQL / 1 node SQLite    = ${fmt((pg2 / lite1) * 100)} %`);
    console.log(`  machine: ${(await import("node:os")).cpus().length} CPU cores, shared by every process above`);

    // One more PostgreSQL node, profiled (main thread and signing workers) during one block of its own.
    const profiles = join(dir, "profiles");
    const profiled = await node(
      { LAUREL_DATABASE_URL: postgres.url("laurel_profiled"), LAUREL_KEYS_DIR: join(dir, "profiled-keys") },
      ["--cpu-prof", `--cpu-prof-dir=${profiles}`],
    );
    const target: Target = {
      name: "profiled",
      nodes: [profiled.server],
      ports: [profiled.port],
      token: tokenIn(join(dir, "profiled-keys")),
    };
    await block(target, n, 40, options.inFlight);
    n += 40;
    const before = cpuSeconds(profiled.server.child.pid);
    const start = performance.now();
    const from = Number(process.hrtime.bigint() / 1000n);
    await block(target, n, options.perBlock, options.inFlight);
    const to = Number(process.hrtime.bigint() / 1000n);
    const wall = performance.now() - start;
    const blockCpu = cpuSeconds(profiled.server.child.pid) - before;
    await profiled.server.stop(); // the profiles are written as the process exits
    started.splice(started.indexOf(profiled.server), 1);
    const { byCategory, others, threads } = summariseProfiles(profiles, from, to);
    const sampled = [...byCategory].filter(([c]) => !c.startsWith("idle")).reduce((s, [, ms]) => s + ms, 0);
    console.log(
      `  where a PostgreSQL node's CPU goes (CPU profile of ${threads} threads, samples of one block of ${options.perBlock}; ` +
        `that block: ${fmt(wall / options.perBlock)} ms wall and ${fmt((blockCpu * 1000) / options.perBlock)} ms CPU per credential):`,
    );
    for (const [category, ms] of [...byCategory].sort((a, b) => b[1] - a[1])) {
      if (category.startsWith("idle")) {
        continue;
      }
      console.log(`    ${category.padEnd(46)} ${fmt((ms / sampled) * 100).padStart(5)} %`);
    }
    const top = [...others].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`    largest in "other": ${top.map(([w, ms]) => `${w} ${fmt((ms / sampled) * 100)} %`).join(", ")}`);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
