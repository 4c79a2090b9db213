import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { runDelivery } from "../src/services/delivery.js";
import { emailChannel } from "../src/services/email-channel.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { createWebhookEndpoint, webhookChannel } from "../src/services/webhooks.js";
import { awardEvents } from "./delivery-throughput.js";
import { benchContext } from "./harness.js";
import { startProfiler } from "./profiler.js";

/**
 * Profiles a measured window of the delivery loop alone (after a warm-up), through the inspector, to a loopback
 * webhook receiver or SMTP sink, and prints the rate and the process CPU per message:
 *   node --disable-proto=delete --import tsx bench/profile-delivery.ts <webhook|email> <count> <out.cpuprofile>
 * `HISTORY=n` first appends and delivers n events (a longer event history behind the claims). PROFILE=0 measures
 * without profiling. It also prints the process CPU spent in transactions per message (the loop's database work). `node --import tsx bench/profile-issue.ts --report <dir>` prints the top functions by self time.
 */
const mode = process.argv[2] === "email" ? "email" : "webhook";
const count = Number(process.argv[3] ?? 2000);
const out = process.argv[4] ?? "/tmp/deliv-prof/prof.cpuprofile";
const history = Number(process.env.HISTORY ?? 0);

const receiver = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", () => {});
    stream.on("end", () => callback());
  },
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));

const { ctx, cleanup } = await benchContext({
  LAUREL_SMTP_URL: `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`,
  LAUREL_WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
});
const issued = await issueCredential(ctx, {
  achievementId: "gitlab-certified-devops-professional",
  recipient: { email: "person@example.org", name: "Person Bench" },
  actor: "bench",
});
await createWebhookEndpoint(ctx, {
  url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  actor: "bench",
});
const channel = mode === "email" ? emailChannel(ctx) : webhookChannel(ctx);
const other = mode === "email" ? webhookChannel(ctx) : emailChannel(ctx);
const { appendAwards } = await awardEvents(ctx, issued.id);
const drain = async (channels = [channel]) => {
  for (;;) {
    const round = await runDelivery(ctx, channels);
    if (round.attempted === 0 && round.taken === 0) {
      return;
    }
  }
};
await drain([channel, other]);
for (let done = 0; done < history; done += 1000) {
  await appendAwards(Math.min(1000, history - done));
  await drain([channel, other]);
}
await appendAwards(200);
await drain();

await appendAwards(count);
// Process CPU inside the store's transactions during the window (on SQLite, the loop's database work; CPU rather
// than wall time, which a loaded machine inflates).
let txMs = 0;
const tx = ctx.store.tx.bind(ctx.store);
ctx.store.tx = async (fn) => {
  const t = process.cpuUsage();
  try {
    return await tx(fn);
  } finally {
    const used = process.cpuUsage(t);
    txMs += (used.user + used.system) / 1000;
  }
};
const profiling = process.env.PROFILE !== "0";
const profiler = await startProfiler({ enabled: profiling, intervalUs: 200 });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await drain();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await profiler.stop(out);
console.log(
  `${mode} ${count} (history ${history}): ${ms.toFixed(0)} ms, ${((count * 1000) / ms).toFixed(1)}/s; ` +
    `process CPU ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms per message; ` +
    `in transactions ${((txMs * 1000) / count).toFixed(1)} µs per message`,
);
await cleanup();
receiver.close();
sink.close();
