import { benchIssueThroughput } from "./issue-throughput.js";

/** `npm run bench`: every benchmark prints its figure beside a baseline measured in the same run. */
const quick = process.argv.includes("--quick");
await benchIssueThroughput({ total: quick ? 400 : 4000, blocks: quick ? 2 : 10, concurrencies: [1, 4] });
