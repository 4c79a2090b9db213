import "../src/harden-process.js";
import { AsyncLocalStorage, executionAsyncId } from "node:async_hooks";
import { createApp } from "../src/app.js";
import { median } from "./harness.js";
import { openKeptServices, randomPicker } from "./pages-database.js";

/**
 * What the process's promise hooks cost a credential page view and the trivial route, in ONE process, in alternating
 * blocks: hooks off (as the app leaves them: pages/render-context.ts), then on (an AsyncLocalStorage of this script's
 * run once and left on, as hono/jsx's own used to be from a process's first page render on), on a private copy kept
 * by bench/profile-page.ts (KEEP=<dir>, projections filled); the page read and checked as bench/page-scale.ts does:
 *   KEEP=<dir> node --disable-proto=delete --import tsx bench/profile-page-hooks.ts [blocks] [perBlock]
 * Prints CPU per view (all threads) per line and the medians of per-block ratios.
 */
const blocks = Number(process.argv[2] ?? 10);
const perBlock = Number(process.argv[3] ?? 1000);
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

const { ctx, ids, close } = await openKeptServices();
const app = createApp(ctx, { publicDir: "./" });
const randomId = randomPicker(ids, 0x2545f491);
const page = async () => {
  const res = await app.fetch(
    new Request(`${ctx.config.publicUrl}/credentials/${randomId()}`, { headers: { accept: BROWSER } }),
  );
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || !body.includes('data-verdict="valid"')) {
    throw new Error(`${res.status} ${body.subarray(0, 300).toString()}`);
  }
};
const trivial = async () => {
  await (await app.fetch(new Request(`${ctx.config.publicUrl}/.well-known/did.json`))).arrayBuffer();
};
/** Whether promise hooks run: a promise reaction gets an async id only while they do. */
const hooksOn = async () => (await Promise.resolve().then(() => executionAsyncId())) !== 0;
const storage = new AsyncLocalStorage<number>();
const modes = {
  off: () => storage.disable(),
  on: () => storage.run(1, () => undefined),
};
for (let i = 0; i < 1000; i++) {
  await page();
  await trivial();
}
if (await hooksOn()) {
  throw new Error("promise hooks are on after the warm-up: something else switched them on");
}
const cpu: Record<string, number[]> = {};
for (let b = 0; b < blocks; b++) {
  const order = b % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const);
  for (const mode of order) {
    modes[mode]();
    if ((await hooksOn()) !== (mode === "on")) {
      throw new Error(`hooks not ${mode}`);
    }
    for (const [kind, op] of [
      ["page", page],
      ["trivial", trivial],
    ] as const) {
      const start = process.cpuUsage();
      for (let i = 0; i < perBlock; i++) {
        await op();
      }
      const used = process.cpuUsage(start);
      const line = `hooks ${mode} ${kind}`;
      cpu[line] = [...(cpu[line] ?? []), (used.user + used.system) / perBlock];
    }
  }
}
console.log(`== promise hooks: ${blocks} alternating blocks of ${perBlock} views, CPU per view (all threads) ==`);
for (const [line, values] of Object.entries(cpu)) {
  console.log(
    `  ${line.padEnd(18)} ${median(values).toFixed(1).padStart(7)} µs   blocks: ${values.map((v) => v.toFixed(0)).join(" ")}`,
  );
}
const ratio = (a: string, b: string) => {
  const x = cpu[a] ?? [];
  const y = cpu[b] ?? [];
  return median(x.map((v, i) => v / (y[i] ?? 1))).toFixed(3);
};
console.log(`  page CPU, off / on, median of per-block ratios: ${ratio("hooks off page", "hooks on page")}`);
console.log(`  trivial CPU, off / on, median of per-block ratios: ${ratio("hooks off trivial", "hooks on trivial")}`);
console.log(
  `  page / trivial (as rates): off ${ratio("hooks off trivial", "hooks off page")}×, on ${ratio("hooks on trivial", "hooks on page")}×`,
);
await close();
