import "../src/harden-process.js";
import { readFileSync } from "node:fs";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { verifyForVcApi } from "../src/services/vc-api-verify.js";
import { benchContext, median, rate } from "./harness.js";
import { foreignOpenBadges, verifyPoster } from "./vc-api-verify.js";

/**
 * Why a macrotask hop inside a verification seemed to cost ~600 µs of main-thread CPU (stop 29's open question): the
 * vc-api bench's "8 in flight" runs its 8 requests in lockstep. Nothing in a verification waits for I/O, so a block
 * of requests is one macrotask: the 8 chains advance together, await by await, and each piece of code runs 8 times in
 * a row (the caches stay warm). A hop of each request's own (a setImmediate, a worker's answer, a libuv callback) ends
 * that: the request then runs alone to its next hop, like a sequential one. Main-thread CPU per verification (µs, the
 * scheduler's counter) and rate, alternating blocks, medians, for foreign 4.7 KB Open Badges, a new one each:
 *   node --disable-proto=delete --import tsx bench/profile-vc-verify-lockstep.ts [blocks] [perBlock]
 * SERVICE=1 calls verifyForVcApi (no HTTP). "one shared turn": every request waits for the same setImmediate, so the
 * hop is there but the 8 resume together in one macrotask.
 */
const blocks = Number(process.argv[2] ?? 5);
const perBlock = Number(process.argv[3] ?? 300);
const mainCpu = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1000;

const bench = await benchContext();
const ctx: ServiceContext = {
  ...bench.ctx,
  config: { ...bench.ctx.config, verify: { ...bench.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
};
const app = createApp(ctx);
const lines = 4;
const { credentials } = await foreignOpenBadges(ctx, lines * (blocks * perBlock + 100));
let next = 0;
const send = verifyPoster(app);
const verify =
  process.env.SERVICE === "1"
    ? async () => {
        const { result } = await verifyForVcApi(ctx, JSON.parse(JSON.stringify(credentials[next++])));
        if (!result.verified) {
          throw new Error("the service did not verify a bench credential");
        }
      }
    : () => send(JSON.stringify({ verifiableCredential: credentials[next++] }));
const ownTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
let shared: Promise<void> | undefined;
const sharedTurn = () =>
  (shared ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      shared = undefined;
      resolve();
    }),
  ));
const variants: Record<string, [() => Promise<void>, number]> = {
  "8 in flight": [verify, 8],
  "8 in flight, a turn of its own each": [
    async () => {
      await ownTurn();
      await verify();
    },
    8,
  ],
  "8 in flight, one shared turn": [
    async () => {
      await sharedTurn();
      await verify();
    },
    8,
  ],
  sequential: [verify, 1],
};
for (const [op, inFlight] of Object.values(variants)) {
  await rate(100, op, inFlight);
}
const rates: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let b = 0; b < blocks; b++) {
  for (const [name, [op, inFlight]] of Object.entries(variants)) {
    const before = mainCpu();
    rates[name]?.push(await rate(perBlock, op, inFlight));
    cpu[name]?.push((mainCpu() - before) / perBlock);
  }
}
for (const name of Object.keys(variants)) {
  console.log(
    `${name.padEnd(36)} ${median(rates[name] ?? [])
      .toFixed(0)
      .padStart(5)}/s   main thread ${median(cpu[name] ?? [])
      .toFixed(0)
      .padStart(5)} µs per verification`,
  );
}
await bench.cleanup();
