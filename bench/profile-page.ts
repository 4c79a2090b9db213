import "../src/harden-process.js";
import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { createApp } from "../src/app.js";
import { fillCredentialPages } from "../src/services/credential-page-projection.js";
import {
  BENCH_DATA_DIR,
  openPrivatePagesCopy,
  type PagesDatabase,
  privateKeepDir,
  servicesOnCopy,
} from "./pages-database.js";

/**
 * Profiles a window of credential page views of random ids on a private copy of the page-scale database (its page
 * projections filled first, unless FILL=0), after a warm-up of 500, through the inspector, and prints the rate:
 *   node --disable-proto=delete --import tsx bench/profile-page.ts <count> <out.cpuprofile>
 * PROFILE=0 measures without profiling; TRIVIAL=1 profiles the trivial route (`/.well-known/did.json`) instead. KEEP=<dir> keeps the private copy in that folder between runs (made there
 * when missing; projections made by another format are filled again; delete the folder when done: 1.4 GB).
 * `node --import tsx bench/profile-issue.ts --report <dir>` prints the top functions by self time.
 */
const count = Number(process.argv[2] ?? 3000);
const out = process.argv[3] ?? "/tmp/page-prof/page.cpuprofile";
const pages = Number(process.env.PAGES ?? 100_000);

/** A copy of the shared database kept in `dir` (never the shared one itself), made there when missing. */
async function openKeptCopy(dir: string): Promise<PagesDatabase> {
  const shared = join(BENCH_DATA_DIR, `pages-${pages}`);
  if (!existsSync(join(dir, "complete.json"))) {
    mkdirSync(dir, { recursive: true });
    for (const file of ["laurel.db", "laurel.db-wal"]) {
      if (existsSync(join(shared, file))) {
        copyFileSync(join(shared, file), join(dir, file));
      }
    }
    cpSync(join(shared, "keys"), join(dir, "keys"), { recursive: true });
    copyFileSync(join(shared, "complete.json"), join(dir, "complete.json"));
  }
  const { ctx, ids, close } = await servicesOnCopy(dir);
  return { ctx, ids, builtIn: 0, close };
}

const { ctx, ids, close } = process.env.KEEP
  ? await openKeptCopy(privateKeepDir(process.env.KEEP))
  : await openPrivatePagesCopy(pages, "profile-page");
if (process.env.FILL !== "0") {
  const t = performance.now();
  console.log("filled", await fillCredentialPages(ctx), `in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const app = createApp(ctx, { publicDir: "./" });
let seed = 0x9e3779b9;
const trivial = async () => {
  const res = await app.fetch(new Request(`${ctx.config.publicUrl}/.well-known/did.json`));
  await res.arrayBuffer();
};
const page = async () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const id = ids[(seed >>> 0) % ids.length] as string;
  const res = await app.fetch(
    new Request(`${ctx.config.publicUrl}/credentials/${id}`, { headers: { accept: "text/html" } }),
  );
  // read whole and searched as bytes, as bench/page-scale.ts does
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || !body.includes('data-verdict="valid"')) {
    throw new Error(`${id}: ${res.status}`);
  }
};
const view = process.env.TRIVIAL === "1" ? trivial : page;
for (let i = 0; i < 500; i++) {
  await view();
}
const session = new Session();
const profile = process.env.PROFILE !== "0";
if (profile) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: Number(process.env.INTERVAL ?? 1000) });
  await session.post("Profiler.start");
}
const start = performance.now();
for (let i = 0; i < count; i++) {
  await view();
}
const seconds = (performance.now() - start) / 1000;
if (profile) {
  const { profile: data } = await session.post("Profiler.stop");
  writeFileSync(out, JSON.stringify(data));
}
console.log(
  `${count} views in ${seconds.toFixed(2)} s: ${(count / seconds).toFixed(0)} /s; rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`,
);
await close();
