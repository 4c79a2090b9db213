import "../src/harden-process.js";
import { readdirSync, readFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { issueCredentials } from "../src/services/issue-credential.js";
import type { IssueCredentialInput } from "../src/services/issue-plan.js";
import { JOB_ISSUE_OPTIONS } from "../src/services/jobs-runner.js";
import { benchContext } from "./harness.js";
import { startProfiler } from "./profiler.js";

/**
 * Where bulk issuance (issueCredentials, target 1 of issue 16) spends its time, per credential: `rounds` bulk
 * issuances of `count` after a warm-up of 400, each reported with the CPU of every thread of the process (Linux /proc:
 * the main thread, the signing workers, V8's helpers, the WAL checkpointer), the time each thread waited for work
 * (neither on a CPU nor waiting for one: for a signing worker, waiting for a task; for the main thread, waiting for the
 * workers), and the main thread's garbage collections. Load-robust where wall time is not: CPU time per credential,
 * and waiting that the other helpers' load cannot cause. `PROFILE_OUT=<dir>` also writes the main thread's CPU profile
 * of each round (workers: `node --cpu-prof` does not write theirs, piscina terminates them). `JOBS=1`: with the
 * bulk jobs' options (JOB_ISSUE_OPTIONS).
 *
 *   node --disable-proto=delete --import tsx bench/profile-bulk.ts 10000 2
 */
type ThreadTimes = { name: string; cpuMs: number; runqueueMs: number };

function threadTimes(): Map<string, ThreadTimes> {
  const out = new Map<string, ThreadTimes>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      const [cpu, runqueue] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ");
      out.set(tid, { name, cpuMs: Number(cpu) / 1e6, runqueueMs: Number(runqueue) / 1e6 });
    }
  } catch {
    // not Linux: no per-thread figures
  }
  return out;
}

const gcs = new Map<string, { n: number; ms: number }>();
const GC_KINDS: Record<number, string> = { 1: "scavenge", 2: "minor mark-sweep", 4: "mark-compact", 8: "incremental" };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[(entry as unknown as { detail: { kind: number } }).detail.kind] ?? "other";
    const gc = gcs.get(kind) ?? { n: 0, ms: 0 };
    gc.n++;
    gc.ms += entry.duration;
    gcs.set(kind, gc);
  }
}).observe({ entryTypes: ["gc"] });

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 1);
/** `JOBS=1`: with the options the bulk jobs issue with (JOB_ISSUE_OPTIONS: bulk priority, chunks ≤ 8, 25 a transaction). */
const options =
  process.env.JOBS === "1" ? JOB_ISSUE_OPTIONS : process.env.OPTIONS ? JSON.parse(process.env.OPTIONS) : {};
const { ctx, cleanup } = await benchContext();
let n = 0;
const inputs = (k: number): IssueCredentialInput[] =>
  Array.from({ length: k }, () => ({
    achievementId: "gitlab-certified-devops-professional",
    recipient: { email: `bulk${n}@example.org`, name: `Person ${n++}` },
    actor: "bench",
  }));
await issueCredentials(ctx, inputs(400));
const us = (ms: number) => `${((1000 * ms) / count).toFixed(0).padStart(4)} µs`;
for (let r = 0; r < rounds; r++) {
  const profiler = process.env.PROFILE_OUT ? await startProfiler() : undefined;
  gcs.clear();
  const before = threadTimes();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const outcomes = await issueCredentials(ctx, inputs(count), options);
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const after = threadTimes();
  await profiler?.stop(`${process.env.PROFILE_OUT}/bulk-main-${r}.cpuprofile`);
  if (outcomes.some((o) => !o.ok)) {
    throw new Error("a credential was not issued");
  }
  const processMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `${count} credentials in ${wall.toFixed(0)} ms (${((count * 1000) / wall).toFixed(0)}/s): process CPU ${us(processMs)} per credential, cores busy ${(processMs / wall).toFixed(2)}`,
  );
  const workers = new Set(ctx.signing.threads.map((t) => t.threadId));
  for (const [tid, t] of after) {
    const was = before.get(tid) ?? { cpuMs: 0, runqueueMs: 0 };
    const cpuMs = t.cpuMs - was.cpuMs;
    if (cpuMs < 0.002 * wall) {
      continue;
    }
    // waiting for work: alive all along, neither running nor runnable
    const waitMs = before.has(tid) ? wall - cpuMs - (t.runqueueMs - was.runqueueMs) : Number.NaN;
    const role = Number(tid) === process.pid ? "main" : t.name;
    console.log(
      `  thread ${tid.padEnd(7)} ${role.padEnd(16)} CPU ${us(cpuMs)}, waiting for work ${((100 * waitMs) / wall).toFixed(0).padStart(3)} % of the time`,
    );
  }
  console.log(`  (${workers.size} signing workers)`);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the last gc entries
  console.log(
    `  main thread GC: ${[...gcs].map(([kind, g]) => `${g.n} ${kind} ${us(g.ms).trim()}`).join(", ") || "none"} (pauses, per credential)`,
  );
}
await ctx.signing.close();
await cleanup();
