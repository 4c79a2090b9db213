import "../src/harden-process.js";
import { prepareConsoleBench } from "./console.js";

/**
 * Bytes allocated per console bench request (bench/console.ts's variants), on V8's heap and outside it (array
 * buffers), with the young generation made large enough that no scavenge runs inside a block:
 *   node --expose-gc --max-semi-space-size=256 --disable-proto=delete --import tsx bench/profile-console-alloc.ts \
 *     [requests-per-block] [blocks] [name-substring…]
 * A page's garbage is what its scavenges cost (bench/profile-console-wall.ts counts them): less of it, fewer pauses.
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  throw new Error("run with --expose-gc (and --max-semi-space-size=256)");
}
const perBlock = Number(process.argv[2] ?? 100);
const blocks = Number(process.argv[3] ?? 5);
const only = process.argv.slice(4);
const { variants, close } = await prepareConsoleBench(100_000);
const chosen = Object.entries(variants).filter(([name]) => only.length === 0 || only.some((o) => name.includes(o)));
for (const [, op] of chosen) {
  for (let i = 0; i < 300; i++) {
    await op();
  }
}
const heap: Record<string, number[]> = {};
const external: Record<string, number[]> = {};
for (let b = 0; b < blocks; b++) {
  for (const [name, op] of chosen) {
    gc();
    const m0 = process.memoryUsage();
    for (let i = 0; i < perBlock; i++) {
      await op();
    }
    const m1 = process.memoryUsage();
    heap[name] = [...(heap[name] ?? []), (m1.heapUsed - m0.heapUsed) / perBlock];
    external[name] = [...(external[name] ?? []), (m1.arrayBuffers - m0.arrayBuffers) / perBlock];
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log("per request (median of blocks):          heap KB   array buffers KB");
for (const [name] of chosen) {
  console.log(
    `${name.padEnd(40)} ${(median(heap[name] ?? []) / 1024).toFixed(1).padStart(8)} ${(median(external[name] ?? []) / 1024).toFixed(1).padStart(10)}`,
  );
}
await close();
