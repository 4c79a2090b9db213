import "../src/harden-process.js";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { prepareConsoleBench } from "./console.js";
import { median } from "./harness.js";
import { rerunWithBothTrees } from "./two-trees.js";

/**
 * The console bench's measured requests (bench/console.ts: the credentials lists, the people search, the person
 * page's repeat view) and its trivial route, by this tree and by another commit's, in ONE process and in alternating
 * blocks: CPU per request (all threads), a same-run baseline for a change to the console's pages. Each tree prepares
 * its own private copy of the bench database (prepareConsoleBench) and serves it by its own app. The other commit is an
 * export of its files, as for bench/profile-page-ab.ts:
 *   git archive <commit> src bench package.json tsconfig.json | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   node --disable-proto=delete --import tsx bench/profile-console-ab.ts /tmp/base [blocks] [perBlock] [name-substring…]
 * Prints each line's median CPU per request and the medians of the per-block this / base ratios. The trees take turns
 * at going first.
 */
const base = resolve(process.argv[2] ?? "");
const blocks = Number(process.argv[3] ?? 8);
const perBlock = Number(process.argv[4] ?? 500);
const only = process.argv.slice(5);

rerunWithBothTrees(import.meta.filename, base, "console-ab");

type Tree = { variants: Record<string, () => Promise<unknown>>; close: () => Promise<void> };
const baseBench = (await import(pathToFileURL(join(base, "bench/console.ts")).href)) as typeof import("./console.js");
const trees: Record<string, Tree> = {
  this: await prepareConsoleBench(100_000),
  base: await baseBench.prepareConsoleBench(100_000),
};
// the first view is left out: it clears the kept pages, not a view of the pages this compares
const names = Object.keys(trees.this?.variants ?? {}).filter(
  (name) =>
    !name.includes("first view") &&
    (only.length === 0 || only.some((o) => name.includes(o)) || name.includes("trivial")),
);
for (const tree of Object.values(trees)) {
  for (const name of names) {
    for (let i = 0; i < 300; i++) {
      await tree.variants[name]?.();
    }
  }
}
const cpu: Record<string, number[]> = {};
for (let b = 0; b < blocks; b++) {
  const order = b % 2 === 0 ? ["this", "base"] : ["base", "this"];
  for (const name of names) {
    for (const tree of order) {
      const op = (trees[tree] as Tree).variants[name] as () => Promise<unknown>;
      const start = process.cpuUsage();
      for (let i = 0; i < perBlock; i++) {
        await op();
      }
      const used = process.cpuUsage(start);
      const line = `${tree} ${name}`;
      cpu[line] = [...(cpu[line] ?? []), (used.user + used.system) / perBlock];
    }
  }
}
console.log(`== console A/B: ${blocks} alternating blocks of ${perBlock} requests, CPU per request (all threads) ==`);
for (const name of names) {
  const ours = cpu[`this ${name}`] ?? [];
  const theirs = cpu[`base ${name}`] ?? [];
  console.log(
    `  ${name.padEnd(40)} this ${median(ours).toFixed(1).padStart(6)} µs  base ${median(theirs).toFixed(1).padStart(6)} µs  this/base (median of per-block ratios) ${median(ours.map((t, i) => t / (theirs[i] ?? 1))).toFixed(3)}`,
  );
}
for (const tree of Object.values(trees)) {
  await tree.close();
}
