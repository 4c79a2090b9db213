import "../src/harden-process.js";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { benchContext, median, rate } from "./harness.js";
import { foreignOpenBadges, verifyPoster } from "./vc-api-verify.js";

/**
 * `POST /credentials/verify` of foreign 4.7 KB OpenBadgeCredentials (bench/vc-api-verify.ts), 8 in flight, by this
 * tree and by another commit's, in ONE process and in alternating blocks, beside the stock library (sequential): a
 * same-run baseline for a change, where two runs of `npm run bench` on a shared machine differ by more than it does.
 * The other commit is an export of its files (each copy is its own module graph, with its own caches and service):
 *   git archive <commit> src bench package.json | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   node --disable-proto=delete --import tsx bench/profile-vc-verify-ab.ts /tmp/base [blocks] [perBlock]
 * Prints each line's median rate and CPU per operation of all threads, and the medians of the per-block ratios. The two
 * trees take turns at running first after the library in each block.
 */
const base = resolve(process.argv[2] ?? "");
const blocks = Number(process.argv[3] ?? 8);
const perBlock = Number(process.argv[4] ?? 300);

const baseApp = (await import(pathToFileURL(join(base, "src/app.ts")).href)) as typeof import("../src/app.js");
const baseHarness = (await import(pathToFileURL(join(base, "bench/harness.ts")).href)) as typeof import("./harness.js");

/** The rate limit lifted, as the vc-api bench does. */
const unlimited = (ctx: ServiceContext): ServiceContext => ({
  ...ctx,
  config: { ...ctx.config, verify: { ...ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
});
const ours = await benchContext();
const theirs = await baseHarness.benchContext();
const apps = { this: createApp(unlimited(ours.ctx)), base: baseApp.createApp(unlimited(theirs.ctx)) };
const stockPerBlock = 30;
const needed = 2 * (600 + blocks * perBlock) + 20 + blocks * stockPerBlock;
const { credentials, did, vm, documentLoader } = await foreignOpenBadges(ours.ctx, needed);
let next = 0;

const post = (app: (typeof apps)["this"]) => {
  const send = verifyPoster(app);
  return () => send(JSON.stringify({ verifiableCredential: credentials[next++] }));
};
const stock = async () => {
  const result = await vc.verifyCredential({
    credential: credentials[next++] as Record<string, unknown>,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader,
    purpose: new vc.CredentialIssuancePurpose({ controller: { id: did, assertionMethod: [vm] } }),
    now: new Date("2026-03-01T00:00:00Z"),
  });
  if (!result.verified) {
    throw new Error("the library did not verify the credential");
  }
};

type Line = { op: () => Promise<void>; inFlight: number; count: number };
const lines: Record<string, Line> = {
  "library, stock suite": { op: stock, inFlight: 1, count: stockPerBlock },
  "base, 8 in flight": { op: post(apps.base as (typeof apps)["this"]), inFlight: 8, count: perBlock },
  "this tree, 8 in flight": { op: post(apps.this), inFlight: 8, count: perBlock },
};
for (const { op, inFlight } of Object.values(lines)) {
  await rate(inFlight > 1 ? 600 : 20, op, inFlight);
}
const rates: Record<string, number[]> = Object.fromEntries(Object.keys(lines).map((name) => [name, []]));
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(lines).map((name) => [name, []]));
const names = Object.keys(lines);
for (let b = 0; b < blocks; b++) {
  // the two trees take turns at following the stock library (whose garbage the next block collects)
  const order = b % 2 === 0 ? names : [names[0] as string, ...names.slice(1).reverse()];
  for (const name of order) {
    const { op, inFlight, count } = lines[name] as Line;
    const before = process.cpuUsage();
    rates[name]?.push(await rate(count, op, inFlight));
    const used = process.cpuUsage(before);
    cpu[name]?.push((used.user + used.system) / count);
  }
}
for (const name of Object.keys(lines)) {
  const shown = (rates[name] ?? []).map((r) => r.toFixed(0)).join(" ");
  console.log(
    `${name.padEnd(24)} ${median(rates[name] ?? []).toFixed(1)}/s, CPU all threads ${median(cpu[name] ?? []).toFixed(0)} us per operation; blocks ${shown}`,
  );
}
const ratio = (a: string, b: string) => median((rates[a] ?? []).map((r, i) => r / (rates[b]?.[i] ?? 1))).toFixed(2);
console.log(
  `per-block ratios: base / stock ${ratio("base, 8 in flight", "library, stock suite")}×, this tree / stock ${ratio("this tree, 8 in flight", "library, stock suite")}×, this tree / base ${ratio("this tree, 8 in flight", "base, 8 in flight")}×`,
);
await ours.cleanup();
await theirs.cleanup();
