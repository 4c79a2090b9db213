import "../src/harden-process.js";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { GCProfiler } from "node:v8";
import { prepareConsoleBench } from "./console.js";

/**
 * Why the console bench's ratios (wall time, bench/console.ts) differ from its CPU ratios
 * (bench/profile-console-stages.ts): each of the bench's requests in alternating blocks, with per request the wall
 * time, the process's CPU (every thread: main, V8's background GC, libuv), the main thread's idle time (event loop
 * utilisation) and the main thread's GC pauses (v8.GCProfiler: scavenges, and in brackets mark-compact):
 *   node --disable-proto=delete --import tsx bench/profile-console-wall.ts [requests-per-block] [blocks] [name-substring…]
 */
/** The main thread's CPU time so far, µs (Linux: its schedstat, in nanoseconds; Node 20 has no threadCpuUsage). */
function mainThreadCpu(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1000;
}
const perBlock = Number(process.argv[2] ?? 500);
const blocks = Number(process.argv[3] ?? 6);
const only = process.argv.slice(4);
const { variants, close } = await prepareConsoleBench(100_000);
const chosen = Object.entries(variants).filter(([name]) => only.length === 0 || only.some((o) => name.includes(o)));

type Totals = {
  wall: number;
  cpu: number;
  main: number;
  idle: number;
  gc: number;
  major: number;
  gcs: number;
  n: number;
};
const totals = new Map<string, Totals>(
  chosen.map(([name]) => [name, { wall: 0, cpu: 0, main: 0, idle: 0, gc: 0, major: 0, gcs: 0, n: 0 }]),
);
for (const [, op] of chosen) {
  for (let i = 0; i < 200; i++) {
    await op();
  }
}
for (let b = 0; b < blocks; b++) {
  for (const [name, op] of chosen) {
    const gcProfiler = new GCProfiler();
    gcProfiler.start();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpu();
    const t0 = performance.now();
    for (let i = 0; i < perBlock; i++) {
      await op();
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const main = mainThreadCpu() - main0;
    const elu = performance.eventLoopUtilization(elu0);
    const gcs = gcProfiler.stop()?.statistics ?? [];
    const t = totals.get(name) as Totals;
    t.wall += wall * 1000;
    t.cpu += cpu.user + cpu.system;
    t.main += main;
    t.idle += elu.idle * 1000;
    for (const gc of gcs) {
      // cost: µs of the main thread; "Scavenge" the young generation, anything else (mark-compact) major
      t.gc += gc.cost;
      t.major += gc.gcType === "Scavenge" ? 0 : gc.cost;
    }
    t.gcs += gcs.length;
    t.n += perBlock;
  }
}
console.log(
  "per request, µs:                             wall  CPU: all  main thread  loop idle  GC pauses (major)  GCs per 1,000",
);
for (const [name, t] of totals) {
  const per = (x: number) => (x / t.n).toFixed(1).padStart(8);
  console.log(
    `${name.padEnd(40)} ${per(t.wall)} ${per(t.cpu)} ${per(t.main)}    ${per(t.idle)} ${per(t.gc)} (${(t.major / t.n).toFixed(1)}) ${((t.gcs * 1000) / t.n).toFixed(1).padStart(8)}`,
  );
}
await close();
