import "../src/harden-process.js";
import { prepareConsoleBench } from "./console.js";
import { startProfiler, topSelfTime } from "./profiler.js";

/**
 * Profiles the console bench's requests (bench/console.ts) one page at a time, after a warm-up, through the
 * inspector, and prints the rate of each and the top functions by self time:
 *   node --disable-proto=delete --import tsx bench/profile-console.ts <count> <out-dir> [name-substring…]
 * PROFILE=0 measures without profiling.
 */
const count = Number(process.argv[2] ?? 1000);
const out = process.argv[3] ?? "/tmp/profile-console";
const only = process.argv.slice(4);
const { variants, close } = await prepareConsoleBench(100_000);
const profiling = process.env.PROFILE !== "0";
const { mkdirSync } = await import("node:fs");
mkdirSync(out, { recursive: true });
for (const [name, op] of Object.entries(variants)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) {
    continue;
  }
  for (let i = 0; i < 200; i++) {
    await op();
  }
  const profiler = await startProfiler({ enabled: profiling, intervalUs: 100 });
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await op();
  }
  const ms = performance.now() - t0;
  console.log(`\n${name}: ${((count * 1000) / ms).toFixed(0)} req/s, ${((ms * 1000) / count).toFixed(0)} µs each`);
  const profile = await profiler.stop(`${out}/${name.replace(/[^a-z0-9]+/gi, "-")}.cpuprofile`);
  if (profile) {
    console.log(topSelfTime(profile, 20).lines.join("\n"));
  }
}
await close();
