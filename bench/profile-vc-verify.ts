import "../src/harden-process.js";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { benchContext } from "./harness.js";
import { startProfiler } from "./profiler.js";
import { foreignOpenBadges } from "./vc-api-verify.js";

/**
 * Profiles `POST /credentials/verify` of realistic foreign OpenBadgeCredentials (bench/vc-api-verify.ts), a new one
 * each request, every check deciding, after a warm-up of 200, and prints the rate:
 *   node --disable-proto=delete --import tsx bench/profile-vc-verify.ts <count> <out.cpuprofile>
 * PROFILE=0 measures without profiling; IN_FLIGHT=n keeps n requests in flight (default 1). `node --import tsx bench/profile-issue.ts --report <dir>` prints the top
 * functions by self time.
 */
const count = Number(process.argv[2] ?? 2000);
const out = process.argv[3] ?? "/tmp/vc-verify-prof/verify.cpuprofile";
const bench = await benchContext();
const ctx: ServiceContext = {
  ...bench.ctx,
  config: { ...bench.ctx.config, verify: { ...bench.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
};
const app = createApp(ctx);
const { credentials } = await foreignOpenBadges(ctx, count + 200);
let next = 0;
const post = async () => {
  const text = JSON.stringify({ verifiableCredential: credentials[next++] });
  const res = await app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) },
    body: text,
  });
  if (res.status !== 200) {
    throw new Error(`not verified: ${await res.text()}`);
  }
  await res.json();
};
for (let i = 0; i < 200; i++) {
  await post();
}
const profiler = await startProfiler({ enabled: process.env.PROFILE !== "0" });
const start = performance.now();
const cpuBefore = process.cpuUsage();
// IN_FLIGHT=8: that many requests at once (the workers verify while the main thread serves)
const inFlight = Number(process.env.IN_FLIGHT ?? 1);
let sent = 0;
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (sent < count) {
      sent += 1;
      await post();
    }
  }),
);
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await profiler.stop(out);
console.log(
  `${count} verifications in ${seconds.toFixed(2)} s: ${(count / seconds).toFixed(0)} /s; CPU of all threads ${((cpu.user + cpu.system) / count).toFixed(0)} µs each (${ctx.signing.size} workers)`,
);
await bench.cleanup();
