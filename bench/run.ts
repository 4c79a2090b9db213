import "../src/harden-process.js";
import { execFileSync } from "node:child_process";
import { benchBakeThroughput } from "./bake-throughput.js";
import { benchCanonicalSigning } from "./canonical-signing.js";
import { benchClusterIssuance } from "./cluster-issuance.js";
import { benchConsole } from "./console.js";
import { benchDeliveryThroughput } from "./delivery-throughput.js";
import { benchEvaluateThroughput } from "./evaluate-throughput.js";
import { benchIssueBulk } from "./issue-bulk.js";
import { benchIssueThroughput } from "./issue-throughput.js";
import { benchJobs } from "./jobs.js";
import { benchPageScale } from "./page-scale.js";
import { benchPageThroughput } from "./page-throughput.js";
import { benchSigningPool } from "./signing-pool.js";
import { benchStatusLists } from "./status-lists.js";
import { benchSvgScaling } from "./svg-scaling.js";
import { benchVcApiVerify } from "./vc-api-verify.js";
import { benchVerifyThroughput } from "./verify-throughput.js";

/** `npm run bench`: every benchmark prints its figure beside a baseline measured in the same run. */
const quick = process.argv.includes("--quick");

/** Every benchmark by name, in the order `npm run bench` runs them. */
const benches: Record<string, () => Promise<void>> = {
  "issue-bulk": () =>
    benchIssueBulk({
      bulk: quick ? 2000 : 10_000,
      blocks: quick ? 2 : 3,
      stockPerBlock: quick ? 60 : 150,
      httpPerBlock: quick ? 200 : 800,
      batchPeople: quick ? 100 : 250,
    }),
  jobs: () => benchJobs({ rows: quick ? 1000 : 10_000, stockPerBlock: quick ? 40 : 150, probes: quick ? 100 : 400 }),
  delivery: () => benchDeliveryThroughput({ perBlock: quick ? 200 : 1000, blocks: quick ? 3 : 7, inFlight: 8 }),
  "issue-throughput": () =>
    benchIssueThroughput({ total: quick ? 400 : 4000, blocks: quick ? 2 : 10, concurrencies: [1, 4] }),
  bake: () =>
    benchBakeThroughput({
      credentials: quick ? 20 : 200,
      blocks: quick ? 2 : 6,
      perBlock: quick ? 100 : 400,
      memoryRuns: quick ? 1000 : 10_000,
    }),
  svg: () => benchSvgScaling({ blocks: quick ? 2 : 5, elements: quick ? 400_000 : 1_200_000 }),
  evaluate: () => benchEvaluateThroughput({ people: quick ? 1000 : 10_000, rounds: quick ? 2 : 5 }),
  verify: () => benchVerifyThroughput({ blocks: quick ? 2 : 6, perBlock: quick ? 50 : 300 }),
  "vc-api": () =>
    benchVcApiVerify({
      blocks: quick ? 2 : 6,
      perBlock: quick ? 30 : 300,
      http: {
        blocks: quick ? 2 : 6,
        stockPerBlock: quick ? 30 : 100,
        perBlock: quick ? 300 : 1000,
        inFlight: 8,
        warmup: quick ? 400 : 2000,
      },
    }),
  "status-lists": () =>
    benchStatusLists({ revokes: quick ? 10 : 40, requests: quick ? 1000 : 5000, blocks: quick ? 3 : 7 }),
  pages: () =>
    benchPageThroughput({ credentials: quick ? 20 : 200, blocks: quick ? 3 : 7, perBlock: quick ? 200 : 1000 }),
  "page-scale": async () => {
    if (chosen.length > 1) {
      // in a process of its own: its RSS line is that of a service serving pages, not of this process after the
      // benchmarks before it (their databases, caches and heap)
      execFileSync(
        process.execPath,
        [
          "--disable-proto=delete",
          "--import",
          "tsx",
          "bench/run.ts",
          "--only",
          "page-scale",
          ...(quick ? ["--quick"] : []),
        ],
        { stdio: "inherit" },
      );
      return;
    }
    await benchPageScale({
      credentials: quick ? 10_000 : 100_000,
      blocks: quick ? 3 : 7,
      perBlock: quick ? 200 : 1000,
      http: { blocks: quick ? 3 : 7, perBlock: quick ? 400 : 2000, inFlight: 8 },
    });
  },
  console: () =>
    benchConsole({
      credentials: 100_000,
      blocks: quick ? 3 : 7,
      perBlock: quick ? 50 : 300,
      http: { blocks: quick ? 3 : 7, perBlock: quick ? 200 : 1000, inFlight: 8 },
    }),
  "canonical-signing": () => benchCanonicalSigning({ blocks: quick ? 3 : 7, perBlock: quick ? 20 : 100 }),
  "signing-pool": () =>
    benchSigningPool({
      batch: quick ? 1000 : 10_000,
      blocks: quick ? 2 : 5,
      stockPerBlock: quick ? 30 : 200,
      chunkSizes: quick ? [4, 32] : [1, 4, 16, 32, 64, 256],
      sweepBatch: quick ? 400 : 4000,
    }),
  cluster: () => benchClusterIssuance({ perBlock: quick ? 60 : 200, blocks: quick ? 2 : 5, inFlight: 8 }),
};

/** `npm run bench -- --only vc-api,cluster`: those benchmarks alone (names as in `benches`). */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const chosen = only === undefined ? Object.keys(benches) : only.split(",");
const unknown = chosen.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(", ")}: one of ${Object.keys(benches).join(", ")}\n`);
  process.exit(2);
}
for (const name of chosen) {
  await (benches[name] as () => Promise<void>)();
}
