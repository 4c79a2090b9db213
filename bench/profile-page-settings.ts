import "../src/harden-process.js";
import { readFileSync } from "node:fs";
import { createApp } from "../src/app.js";
import { findCredentialPageRow } from "../src/storage/credential-pages-repo.js";
import { fmt, median } from "./harness.js";
import { openKeptServices, randomPicker } from "./pages-database.js";

/**
 * SQLite settings for credential page views, A/B in one process: on a private copy kept by bench/profile-page.ts
 * (KEEP=<dir>, projections filled), blocks of page views of random ids (browser Accept, through app.fetch as
 * bench/page-scale.ts makes them) and of the page row read alone, under each setting in turn, beside the trivial route,
 * so that every setting meets the same machine load:
 *   KEEP=<dir> node --disable-proto=delete --import tsx bench/profile-page-settings.ts [views per block] [blocks]
 * SETTINGS="|mmap_size=2147418112|cache_size=-65536" names the settings, `|` between them, each a `;`-separated list of
 * pragmas set on the connection before its blocks (empty: the store's own, restored before its blocks). Prints per
 * setting the median CPU time (user + system, every thread of the process) and wall time per page view and per row
 * read, the page's CPU beside the trivial route's, and the largest RSS seen after its blocks, split into anonymous
 * memory and file pages (a memory-mapped database's pages count as the latter: the kernel's page cache, shared and
 * reclaimable, but in RSS all the same).
 */
const { ctx, ids, close } = await openKeptServices();
const sqlite = (ctx.store as unknown as { sqlite?: { pragma: (text: string, options?: object) => unknown } }).sqlite;
if (!sqlite) {
  throw new Error("SQLite settings: the kept copy must be an SQLite database");
}
const own = ["mmap_size", "cache_size"].map((name) => `${name}=${sqlite.pragma(name, { simple: true })}`);
const settings = (process.env.SETTINGS ?? "|mmap_size=2147418112|cache_size=-65536").split("|");
const pragmasOf = (setting: string) => [...own, ...setting.split(";").filter(Boolean)];

const app = createApp(ctx, { publicDir: "./" });
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const randomId = randomPicker(ids, 0x2545f491);
const get = async (path: string, accept?: string) => {
  const res = await app.fetch(new Request(`${ctx.config.publicUrl}${path}`, { headers: accept ? { accept } : {} }));
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || (accept && !body.includes('data-verdict="valid"'))) {
    throw new Error(`${path}: ${res.status}`);
  }
};
const ops = {
  page: () => get(`/credentials/${randomId()}`, BROWSER),
  row: async () => {
    if (!(await findCredentialPageRow(ctx.store.conn(), randomId(), "1"))) {
      throw new Error("no row");
    }
  },
  trivial: () => get("/.well-known/did.json"),
};
/** CPU and wall microseconds per call of `op`, `count` calls in turn. */
async function measure(op: () => Promise<void>, count: number): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await op();
  }
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / count, wall: ((performance.now() - start) * 1000) / count };
}
function rssKb(): { anon: number; file: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { anon: field("RssAnon"), file: field("RssFile") };
}

const views = Number(process.argv[2] ?? 1000);
const blocks = Number(process.argv[3] ?? 9);
type Figures = { page: number[]; pageWall: number[]; row: number[]; trivial: number[]; anon: number; file: number };
const figures = new Map<string, Figures>(
  settings.map((s) => [s, { page: [], pageWall: [], row: [], trivial: [], anon: 0, file: 0 }]),
);
const apply = (setting: string) => {
  for (const pragma of pragmasOf(setting)) {
    sqlite.pragma(pragma);
  }
};
for (const setting of settings) {
  apply(setting);
  await measure(ops.page, 300);
  await measure(ops.row, 300);
}
await measure(ops.trivial, 300);
for (let b = 0; b < blocks; b++) {
  for (const setting of settings) {
    const f = figures.get(setting) as Figures;
    apply(setting);
    const page = await measure(ops.page, views);
    f.page.push(page.cpu);
    f.pageWall.push(page.wall);
    f.row.push((await measure(ops.row, views)).cpu);
    // the trivial route beside each setting's blocks: the ratio is taken block by block
    f.trivial.push((await measure(ops.trivial, views)).cpu);
    const rss = rssKb();
    f.anon = Math.max(f.anon, rss.anon);
    f.file = Math.max(f.file, rss.file);
  }
}
console.log(`page views of random ids of ${fmt(ids.length, 0)}, ${blocks} blocks of ${views} per setting, medians`);
for (const [setting, f] of figures) {
  const ratio = median(f.page.map((p, i) => (f.trivial[i] as number) / p));
  console.log(
    `  ${(setting || "(as opened)").padEnd(24)} page ${fmt(median(f.page), 1).padStart(6)} µs CPU ${fmt(median(f.pageWall), 1).padStart(6)} µs wall; row alone ${fmt(median(f.row), 1).padStart(5)} µs CPU; trivial ${fmt(median(f.trivial), 1).padStart(5)} µs CPU (page at ${fmt(ratio, 2)}× its rate by CPU); RSS up to ${fmt(f.anon / 1024, 0)} MB anonymous + ${fmt(f.file / 1024, 0)} MB file pages`,
  );
}
await close();
