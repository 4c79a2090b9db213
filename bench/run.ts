import { benchBakeThroughput } from "./bake-throughput.js";
import { benchEvaluateThroughput } from "./evaluate-throughput.js";
import { benchIssueThroughput } from "./issue-throughput.js";

/** `npm run bench`: every benchmark prints its figure beside a baseline measured in the same run. */
const quick = process.argv.includes("--quick");
await benchIssueThroughput({ total: quick ? 400 : 4000, blocks: quick ? 2 : 10, concurrencies: [1, 4] });
await benchBakeThroughput({
  credentials: quick ? 20 : 200,
  blocks: quick ? 2 : 6,
  perBlock: quick ? 100 : 400,
  memoryRuns: quick ? 1000 : 10_000,
});
await benchEvaluateThroughput({ people: quick ? 1000 : 10_000, rounds: quick ? 2 : 5 });
