import "../src/harden-process.js";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { prepareConsoleBench } from "./console.js";

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
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };
function top(profile: Profile, n = 20): string[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  for (const [i, id] of profile.samples.entries()) {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    if (!node) {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/src\//, "src/");
    const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
for (const [name, op] of Object.entries(variants)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) {
    continue;
  }
  for (let i = 0; i < 200; i++) {
    await op();
  }
  const session = new Session();
  if (profiling) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
  }
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await op();
  }
  const ms = performance.now() - t0;
  console.log(`\n${name}: ${((count * 1000) / ms).toFixed(0)} req/s, ${((ms * 1000) / count).toFixed(0)} µs each`);
  if (profiling) {
    const { profile } = await session.post("Profiler.stop");
    const file = `${out}/${name.replace(/[^a-z0-9]+/gi, "-")}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    console.log(top(profile as unknown as Profile).join("\n"));
    session.disconnect();
  }
}
await close();
