import "../src/harden-process.js";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createApp } from "../src/app.js";
import { fillCredentialPages } from "../src/services/credential-page-projection.js";
import { openPrivatePagesCopy } from "./pages-database.js";

/**
 * Profiles a window of credential page views of random ids on a private copy of the page-scale database (its page
 * projections filled first, unless FILL=0), after a warm-up of 500, through the inspector, and prints the rate:
 *   node --disable-proto=delete --import tsx bench/profile-page.ts <count> <out.cpuprofile>
 * PROFILE=0 measures without profiling. `node --import tsx bench/profile-issue.ts --report <dir>` prints the top
 * functions by self time.
 */
const count = Number(process.argv[2] ?? 3000);
const out = process.argv[3] ?? "/tmp/page-prof/page.cpuprofile";
const { ctx, ids, close } = await openPrivatePagesCopy(Number(process.env.PAGES ?? 100_000), "profile-page");
if (process.env.FILL !== "0") {
  const t = performance.now();
  console.log("filled", await fillCredentialPages(ctx), `in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const app = createApp(ctx, { publicDir: "./" });
let seed = 0x9e3779b9;
const view = async () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const id = ids[(seed >>> 0) % ids.length] as string;
  const res = await app.fetch(
    new Request(`${ctx.config.publicUrl}/credentials/${id}`, { headers: { accept: "text/html" } }),
  );
  const body = await res.text();
  if (res.status !== 200 || !body.includes('data-verdict="valid"')) {
    throw new Error(`${id}: ${res.status}`);
  }
};
for (let i = 0; i < 500; i++) {
  await view();
}
const session = new Session();
const profile = process.env.PROFILE !== "0";
if (profile) {
  session.connect();
  await session.post("Profiler.enable");
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
