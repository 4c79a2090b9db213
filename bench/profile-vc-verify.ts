import "../src/harden-process.js";
import { readdirSync, readFileSync } from "node:fs";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { SignatureQueue } from "../src/verify/signature-queue.js";
import { benchContext } from "./harness.js";
import { startProfiler } from "./profiler.js";
import { foreignOpenBadges, verifyPoster } from "./vc-api-verify.js";

/**
 * CPU time (µs, from the scheduler's ns counter) of each thread of this process by its Linux thread id, the main
 * thread's id being the process's (/proc; empty elsewhere). The signing workers are the busiest after the main thread;
 * the V8 platform threads (GC of every isolate) follow. A worker's event-loop utilisation says nothing here: piscina
 * blocks an idle worker in Atomics.wait, which counts as busy.
 */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      out.set(tid === String(process.pid) ? "main" : tid, ns / 1000);
    }
  } catch {}
  return out;
}

/**
 * Profiles `POST /credentials/verify` of realistic foreign OpenBadgeCredentials (bench/vc-api-verify.ts), a new one
 * each request, every check deciding, after a warm-up of 200, and prints the rate:
 *   node --disable-proto=delete --import tsx bench/profile-vc-verify.ts <count> <out.cpuprofile>
 * PROFILE=0 measures without profiling; IN_FLIGHT=n keeps n requests in flight (default 1); SAME=1 sends one credential
 * again and again (what the endpoint costs around the fixed checks, remembered); ON_WORKER_FROM=n and SIGNATURE_BATCH=n
 * set where signatures are checked (see below). It prints the CPU per verification of
 * each thread and where the fixed checks were made. `node --import tsx bench/profile-issue.ts --report <dir>` prints the top
 * functions by self time.
 */
const count = Number(process.argv[2] ?? 2000);
const out = process.argv[3] ?? "/tmp/vc-verify-prof/verify.cpuprofile";
const bench = await benchContext();
const ctx: ServiceContext = {
  ...bench.ctx,
  config: { ...bench.ctx.config, verify: { ...bench.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
};
const app = createApp(ctx);
// ON_WORKER_FROM=n: other analyses in progress before the signature checks go to the workers (default the service's)
if (process.env.ON_WORKER_FROM !== undefined) {
  ctx.state.verifications.onWorkerFrom = Number(process.env.ON_WORKER_FROM);
}
// SIGNATURE_BATCH=n: at most n signature checks per worker round trip (default the service's)
if (process.env.SIGNATURE_BATCH !== undefined) {
  ctx.state.verifications.signatures = new SignatureQueue(Number(process.env.SIGNATURE_BATCH));
}
const { credentials } = await foreignOpenBadges(ctx, count + 300);
let next = 0;
const send = verifyPoster(app);
// SAME=1: the first credential again and again (its fixed checks remembered): what the endpoint costs around them
const post = () => send(JSON.stringify({ verifiableCredential: credentials[process.env.SAME === "1" ? 0 : next++] }));
// warm-up: JIT, caches, the learnt expansion template; in flight too, so the workers have warmed up as well
const inFlight = Number(process.env.IN_FLIGHT ?? 1);
for (let i = 0; i < 100; i++) {
  await post();
}
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    for (let i = 0; i < 100 / inFlight; i++) {
      await post();
    }
  }),
);
// Where the fixed checks were made: on a worker (the pool's `host` answered) or on the main thread
const counts = { hosted: 0, refused: 0, inWorkers: 0, maxInWorkers: 0, checks: 0 };
const host = ctx.signing.host.bind(ctx.signing);
ctx.signing.host = async <Outcome>(task: Parameters<typeof host>[0]) => {
  counts.inWorkers += 1;
  counts.maxInWorkers = Math.max(counts.maxInWorkers, counts.inWorkers);
  try {
    const outcome = await host<Outcome>(task);
    counts[outcome === undefined ? "refused" : "hosted"] += 1;
    counts.checks += outcome !== undefined && "checks" in task ? (task.checks as unknown[]).length : 0;
    return outcome;
  } finally {
    counts.inWorkers -= 1;
  }
};
const profiler = await startProfiler({ enabled: process.env.PROFILE !== "0" });
const start = performance.now();
const cpuBefore = process.cpuUsage();
const eluMain = performance.eventLoopUtilization();
const threadsBefore = threadCpu();
// IN_FLIGHT=8: that many requests at once (the workers verify while the main thread serves)
let sent = 0;
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (sent < count) {
      sent += 1;
      await post();
    }
  }),
);
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const busyMain = performance.eventLoopUtilization(eluMain);
const perThread = [...threadCpu()]
  .map(([k, v]) => [k, (v - (threadsBefore.get(k) ?? 0)) / count] as const)
  .filter(([, v]) => v >= 5)
  .sort((a, b) => b[1] - a[1]);
await profiler.stop(out);
console.log(
  `${count} verifications in ${seconds.toFixed(2)} s: ${(count / seconds).toFixed(0)} /s; CPU of all threads ${((cpu.user + cpu.system) / count).toFixed(0)} µs each (system ${(cpu.system / count).toFixed(0)}; ${ctx.signing.size} workers)`,
);
console.log(`CPU per verification by thread (µs): ${perThread.map(([k, v]) => `${k} ${v.toFixed(0)}`).join("; ")}`);
console.log(
  `main thread's event loop busy ${(100 * busyMain.utilization).toFixed(0)} %; worker tasks ${counts.hosted} (signature checks in them ${counts.checks}), handed back by the pool ${counts.refused} (then made on the main thread), at most ${counts.maxInWorkers} asked of the pool at once`,
);
await bench.cleanup();
