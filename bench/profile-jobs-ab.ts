import "../src/harden-process.js";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { apiKeyPrincipal } from "../src/domain/access.js";
import { createApiKey } from "../src/services/api-keys.js";
import type { ServiceContext } from "../src/services/deps.js";
import { getJob, submitJob } from "../src/services/jobs.js";
import { runJobs } from "../src/services/jobs-runner.js";
import { benchContext, median } from "./harness.js";

/**
 * Awards jobs (bench/jobs.ts's: CSV submitted, then run to the end by the runner) by this tree and by another
 * commit's, in ONE process and in alternating blocks: a same-run baseline for a change to the jobs' path, where two
 * runs of `npm run bench -- --only jobs` on a shared machine differ by more than it does. The other commit is an
 * export of its files (its own module graph, caches, service and signing pool; only one tree runs at a time):
 *   git archive <commit> src bench package.json | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   node --disable-proto=delete --import tsx bench/profile-jobs-ab.ts /tmp/base [blocks] [rows]
 * Prints per tree the median rows/s (submit and run) and CPU per row of all threads, and the median of the per-block
 * ratios; the trees take turns at running first. Run it once against an export of this very tree (A/A) to see its
 * noise on the machine of the moment: on a loaded 2-core machine A/A gave ratios of 0.91 and 1.01, and about 3 % more
 * CPU per row on the "this" side each time.
 */
const base = resolve(process.argv[2] ?? "");
const blocks = Number(process.argv[3] ?? 6);
const rows = Number(process.argv[4] ?? 2000);
const ACHIEVEMENT = "gitlab-certified-associate";

type Tree = {
  ctx: ServiceContext;
  submitJob: typeof submitJob;
  getJob: typeof getJob;
  runJobs: typeof runJobs;
  createApiKey: typeof createApiKey;
  apiKeyPrincipal: typeof apiKeyPrincipal;
};
const load = async (root: string) => {
  const at = (path: string) => import(pathToFileURL(join(root, path)).href);
  const harness = (await at("bench/harness.ts")) as typeof import("./harness.js");
  const { ctx } = await harness.benchContext();
  return {
    ctx,
    submitJob: ((await at("src/services/jobs.ts")) as typeof import("../src/services/jobs.js")).submitJob,
    getJob: ((await at("src/services/jobs.ts")) as typeof import("../src/services/jobs.js")).getJob,
    runJobs: ((await at("src/services/jobs-runner.ts")) as typeof import("../src/services/jobs-runner.js")).runJobs,
    createApiKey: ((await at("src/services/api-keys.ts")) as typeof import("../src/services/api-keys.js")).createApiKey,
    apiKeyPrincipal: ((await at("src/domain/access.ts")) as typeof import("../src/domain/access.js")).apiKeyPrincipal,
  } satisfies Tree;
};
/** Per thread of this process (Linux /proc): ns on a CPU and ns waiting for one, by thread id. */
function threadTimes(): Map<string, { cpu: number; runqueue: number }> {
  const out = new Map<string, { cpu: number; runqueue: number }>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const [cpu, runqueue] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ");
      out.set(tid, { cpu: Number(cpu), runqueue: Number(runqueue) });
    }
  } catch {
    // not Linux: no per-thread figures
  }
  return out;
}
const trees: Record<"this" | "base", Tree> = {
  this: { ...(await benchContext()), submitJob, getJob, runJobs, createApiKey, apiKeyPrincipal },
  base: await load(base),
};

let n = 0;
const csv = (count: number) => {
  const lines = ["certification,email,name,externalId"];
  for (let i = 0; i < count; i++) {
    const k = n++;
    lines.push(`${ACHIEVEMENT},award${k}@example.org,Person ${k},a-${k}`);
  }
  return `${lines.join("\n")}\n`;
};
const principals = new Map<Tree, ReturnType<typeof apiKeyPrincipal>>();
for (const tree of Object.values(trees)) {
  const scopes = ["credentials:issue"] as const;
  const { id } = await tree.createApiKey(tree.ctx, { name: "ab", scopes: [...scopes], actor: "bench" });
  principals.set(tree, tree.apiKeyPrincipal({ keyId: id, scopes, graderRole: null }));
}

const runJob = async (tree: Tree, count: number) => {
  const bytes = new TextEncoder().encode(csv(count));
  const cpu0 = process.cpuUsage();
  const times0 = threadTimes();
  const start = performance.now();
  const { job } = await tree.submitJob(tree.ctx, {
    kind: "awards",
    format: "csv",
    body: (async function* () {
      yield bytes;
    })(),
    fileName: "ab.csv",
    dryRun: false,
    onDuplicate: "skip",
    principal: principals.get(tree) as ReturnType<typeof apiKeyPrincipal>,
  });
  await tree.runJobs(tree.ctx, { jobId: job.id });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const times1 = threadTimes();
  // of the other threads busy in this run (the running tree's signing workers: the other tree's idle), the share of
  // the run each waited for work: neither on a CPU nor waiting for one (the machine's other load does not cause it)
  const waits: number[] = [];
  for (const [tid, b] of times1) {
    const a = times0.get(tid);
    if (a && Number(tid) !== process.pid && (b.cpu - a.cpu) / 1e6 > 0.02 * ms) {
      waits.push((ms - (b.cpu - a.cpu + b.runqueue - a.runqueue) / 1e6) / ms);
    }
  }
  const view = await tree.getJob(tree.ctx, job.id);
  if (view.status !== "done" || view.done !== count) {
    throw new Error(`a job ended ${view.status} with ${view.done} of ${count} done`);
  }
  const mainMs = ((times1.get(String(process.pid))?.cpu ?? 0) - (times0.get(String(process.pid))?.cpu ?? 0)) / 1e6;
  const workerWait = waits.length > 0 ? waits.reduce((x, y) => x + y, 0) / waits.length : Number.NaN;
  return {
    rate: (count * 1000) / ms,
    cpuUs: (cpu.user + cpu.system) / count,
    mainUs: (1000 * mainMs) / count,
    workerWait,
  };
};

await runJob(trees.this, 400);
await runJob(trees.base, 400);
const figures = {
  this: { rate: [] as number[], cpu: [] as number[], main: [] as number[], wait: [] as number[] },
  base: { rate: [] as number[], cpu: [] as number[], main: [] as number[], wait: [] as number[] },
};
const ratios: number[] = [];
for (let b = 0; b < blocks; b++) {
  const order: ("this" | "base")[] = b % 2 === 0 ? ["this", "base"] : ["base", "this"];
  const got: Record<string, number> = {};
  for (const name of order) {
    const { rate, cpuUs, mainUs, workerWait } = await runJob(trees[name], rows);
    figures[name].main.push(mainUs);
    figures[name].rate.push(rate);
    figures[name].cpu.push(cpuUs);
    figures[name].wait.push(workerWait);
    got[name] = rate;
  }
  ratios.push((got.this as number) / (got.base as number));
  console.log(`block ${b}: this ${got.this?.toFixed(0)} rows/s, base ${got.base?.toFixed(0)} rows/s`);
}
for (const name of ["this", "base"] as const) {
  console.log(
    `${name.padEnd(5)} awards job of ${rows}: ${median(figures[name].rate).toFixed(0)} rows/s (blocks ${figures[name].rate.map((x) => x.toFixed(0)).join(" ")}), CPU all threads ${median(figures[name].cpu).toFixed(0)} µs per row (main thread ${median(figures[name].main).toFixed(0)} µs), signing workers waiting for work ${(100 * median(figures[name].wait)).toFixed(0)} % of the run`,
  );
}
console.log(`this / base, median of the blocks' ratios: ${median(ratios).toFixed(3)}`);
for (const tree of Object.values(trees)) {
  await tree.ctx.signing.close();
}
process.exit(0);
