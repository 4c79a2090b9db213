import "../src/harden-process.js";
import { createApp } from "../src/app.js";
import { fillFastPage, renderCredentialPageBody } from "../src/http/pages/credential-page-template.js";
import { siteOf } from "../src/http/pages/site.js";
import { loadCredentialPage } from "../src/services/credential-page-data.js";
import { readFastCredentialPage } from "../src/services/credential-page-fast.js";
import { findCredentialPageRow } from "../src/storage/credential-pages-repo.js";
import { openKeptServices, randomPicker } from "./pages-database.js";

/**
 * CPU per credential page view by stage, each stage in the same process, in alternating blocks (so a busy machine
 * weighs on every stage alike), on a private copy kept by bench/profile-page.ts (KEEP=<dir>, projections filled):
 *   KEEP=<dir> node --disable-proto=delete --import tsx bench/profile-page-stages.ts [views]
 * Stages: the trivial route and the page through app.fetch; the row read, the fast view of the row
 * (services/credential-page-fast.ts) and that view filled into its template, the page data, the page data rendered,
 * and the rendering of page data loaded beforehand, each called alone. A stage called alone costs far less than its share
 * of a page view (the rest of the request runs between two of its calls), so compare page − trivial with the sum.
 */
const { ctx, ids, close } = await openKeptServices();
// PRAGMAS="cache_size=-65536;mmap_size=0" tries SQLite settings on the copy's connection (SQLite only)
for (const pragma of (process.env.PRAGMAS ?? "").split(";").filter(Boolean)) {
  (ctx.store as unknown as { sqlite: { pragma: (text: string) => unknown } }).sqlite.pragma(pragma);
}
const app = createApp(ctx, { publicDir: "./" });
const site = siteOf(ctx);
const randomId = randomPicker(ids, 0x9e3779b9);
async function loaded(id: string) {
  const data = await loadCredentialPage(ctx, id);
  if (!data) {
    throw new Error(`no credential ${id}`);
  }
  return data;
}
const preloaded = await Promise.all(Array.from({ length: 1000 }, () => loaded(randomId())));
let next = 0;
const stages: Record<string, (id: string) => Promise<unknown>> = {
  trivial: async () => (await app.fetch(new Request(`${ctx.config.publicUrl}/.well-known/did.json`))).arrayBuffer(),
  page: async (id) =>
    (
      await app.fetch(new Request(`${ctx.config.publicUrl}/credentials/${id}`, { headers: { accept: "text/html" } }))
    ).arrayBuffer(),
  row: (id) => findCredentialPageRow(ctx.store.conn(), id),
  fast: (id) => readFastCredentialPage(ctx, id),
  "fast+fill": async (id) => {
    const read = await readFastCredentialPage(ctx, id);
    const filled = read.found && read.fast && fillFastPage(site, ctx.state.credentialPageTemplates, read.fast);
    if (!filled) {
      throw new Error(`no fast page for ${id}`);
    }
    return filled;
  },
  load: (id) => loaded(id),
  "load+render": async (id) => renderCredentialPageBody(site, await loaded(id), ctx.state.credentialPageTemplates),
  render: async () => {
    next = (next + 1) % preloaded.length;
    return renderCredentialPageBody(site, preloaded[next] as never, ctx.state.credentialPageTemplates);
  },
};
const views = Number(process.argv[2] ?? 8000);
const blocks = 8;
for (const stage of Object.values(stages)) {
  for (let i = 0; i < 500; i++) {
    await stage(randomId());
  }
}
const cpu: Record<string, number> = {};
for (let block = 0; block < blocks; block++) {
  for (const [name, stage] of Object.entries(stages)) {
    const start = process.cpuUsage();
    for (let i = 0; i < views / blocks; i++) {
      await stage(randomId());
    }
    const used = process.cpuUsage(start);
    cpu[name] = (cpu[name] ?? 0) + used.user + used.system;
  }
}
for (const [name, us] of Object.entries(cpu)) {
  console.log(`${name.padEnd(12)} ${(us / views).toFixed(1).padStart(7)} µs CPU per call`);
}
console.log(`rss at the end ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`);
await close();
