import "../src/harden-process.js";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createApp } from "../src/app.js";
import { median } from "./harness.js";
import { openKeptServices, randomPicker } from "./pages-database.js";
import { rerunWithBothTrees } from "./two-trees.js";

/**
 * Credential page views of random ids (browser Accept, the body read and checked as bench/page-scale.ts does) and the
 * trivial route, by this tree and by another commit's, in ONE process and in alternating blocks, on a private copy kept
 * by bench/profile-page.ts (KEEP=<dir>, projections filled): a same-run baseline for a change to the page, where two
 * runs on a shared machine differ by more than a change does. The other commit is an export of its files (each copy is
 * its own module graph, with its own caches and service on its own connection to the copy):
 *   git archive <commit> src bench package.json tsconfig.json | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   KEEP=<dir> node --disable-proto=delete --import tsx bench/profile-page-ab.ts /tmp/base [blocks] [perBlock]
 * tsx compiles a file with the tsconfig that covers it (the page's JSX needs hono's), and this tree's covers only this
 * tree: the script runs itself again with a tsconfig covering both (TSX_TSCONFIG_PATH). Prints each line's median CPU
 * per view (all threads) and the medians of the per-block page / trivial ratios. The trees take turns at going first.
 */
const base = resolve(process.argv[2] ?? "");
const blocks = Number(process.argv[3] ?? 10);
const perBlock = Number(process.argv[4] ?? 1000);
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

rerunWithBothTrees(import.meta.filename, base, "page-ab");

type Tree = { page: () => Promise<void>; trivial: () => Promise<void>; close: () => Promise<void> };

function viewsOf(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  publicUrl: string,
  ids: string[],
  name: string,
): Omit<Tree, "close"> {
  const randomId = randomPicker(ids, 0x2545f491);
  return {
    page: async () => {
      const res = await app.fetch(
        new Request(`${publicUrl}/credentials/${randomId()}`, { headers: { accept: BROWSER } }),
      );
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || !body.includes('data-verdict="valid"')) {
        throw new Error(`${name}: ${res.status} ${body.subarray(0, 300).toString()}`);
      }
    },
    trivial: async () => {
      await (await app.fetch(new Request(`${publicUrl}/.well-known/did.json`))).arrayBuffer();
    },
  };
}

const ours = await openKeptServices();
const baseApp = (await import(pathToFileURL(join(base, "src/app.ts")).href)) as typeof import("../src/app.js");
const baseData = (await import(
  pathToFileURL(join(base, "bench/pages-database.ts")).href
)) as typeof import("./pages-database.js");
const theirs = await baseData.openKeptServices();
const trees: Record<string, Tree> = {
  this: {
    ...viewsOf(createApp(ours.ctx, { publicDir: "./" }), ours.ctx.config.publicUrl, ours.ids, "this"),
    close: ours.close,
  },
  base: {
    ...viewsOf(baseApp.createApp(theirs.ctx, { publicDir: "./" }), theirs.ctx.config.publicUrl, theirs.ids, "base"),
    close: theirs.close,
  },
};
for (const tree of Object.values(trees)) {
  for (let i = 0; i < 1000; i++) {
    await tree.page();
    await tree.trivial();
  }
}
const cpu: Record<string, number[]> = {};
for (let b = 0; b < blocks; b++) {
  const order = b % 2 === 0 ? ["this", "base"] : ["base", "this"];
  for (const name of order) {
    for (const kind of ["page", "trivial"] as const) {
      const op = (trees[name] as Tree)[kind];
      const start = process.cpuUsage();
      for (let i = 0; i < perBlock; i++) {
        await op();
      }
      const used = process.cpuUsage(start);
      const line = `${name} ${kind}`;
      cpu[line] = [...(cpu[line] ?? []), (used.user + used.system) / perBlock];
    }
  }
}
console.log(`== credential page A/B: ${blocks} alternating blocks of ${perBlock} views, CPU per view (all threads) ==`);
for (const [line, values] of Object.entries(cpu)) {
  console.log(
    `  ${line.padEnd(14)} ${median(values).toFixed(1).padStart(7)} µs   blocks: ${values.map((v) => v.toFixed(0)).join(" ")}`,
  );
}
for (const name of Object.keys(trees)) {
  const page = cpu[`${name} page`] ?? [];
  const trivial = cpu[`${name} trivial`] ?? [];
  const ratios = page.map((p, i) => (trivial[i] ?? 0) / p);
  console.log(`  ${name}: page / trivial (as rates), median of per-block ratios ${median(ratios).toFixed(3)}×`);
}
const thisPage = cpu["this page"] ?? [];
const basePage = cpu["base page"] ?? [];
console.log(
  `  this / base page CPU, median of per-block ratios: ${median(thisPage.map((t, i) => t / (basePage[i] ?? 1))).toFixed(3)}`,
);
for (const tree of Object.values(trees)) {
  await tree.close();
}
