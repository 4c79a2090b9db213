import "../src/harden-process.js";
import { createApp } from "../src/app.js";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { buildOpenBadgeCredential } from "../src/domain/credential/build.js";
import { recipientIdentifiers } from "../src/domain/credential/identity.js";
import { statusListEntry } from "../src/domain/status/status-list-credential.js";
import { createApiKey } from "../src/services/api-keys.js";
import { issueCredentials } from "../src/services/issue-credential.js";
import { signCredentials } from "../src/services/sign-credentials.js";
import { benchContext } from "./harness.js";
import { startProfiler } from "./profiler.js";

/**
 * Profiles a measured window of issuance only (after a warm-up of 200), through the inspector, and prints the rate and
 * the process CPU per credential (all threads: under a machine's contention a steadier figure than the rate):
 *   node --disable-proto=delete --import tsx bench/profile-window.ts <http|bulk|sign> <count> <out.cpuprofile>
 * `http`: POST /admin/credentials with 8 in flight; `bulk`: issueCredentials of `count`; `sign`: signCredentials in
 * chunks of 32 (with LAUREL_SIGNING_THREADS=0, the work of a signing worker on this thread). PROFILE=0 measures
 * without profiling. `node bench/profile-issue.ts --report <dir>` prints the top functions of the profiles in a folder.
 */
const mode = process.argv[2] ?? "http";
const count = Number(process.argv[3] ?? 400);
const out = process.argv[4] ?? "/tmp/pi/prof.cpuprofile";
const { ctx, cleanup } = await benchContext();
const { token } = await createApiKey(ctx, { name: "profile", scopes: ["admin"], actor: "profile" });
const app = createApp(ctx, { publicDir: "./" });
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
let n = 0;
const http = async (total: number) => {
  let left = total;
  const lane = async () => {
    while (left-- > 0) {
      const body = {
        achievementId: "gitlab-certified-devops-professional",
        recipient: { email: `p${n++}@example.org`, name: "Profile Person" },
      };
      const res = await app.request("/admin/credentials", { method: "POST", headers, body: JSON.stringify(body) });
      if (res.status !== 201) {
        throw new Error(`issue: ${res.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
};
const bulk = async (total: number) => {
  const inputs = Array.from({ length: total }, () => ({
    achievementId: "gitlab-certified-devops-professional",
    recipient: { email: `b${n}@example.org`, name: `Person ${n++}` },
    actor: "bench",
  }));
  await issueCredentials(ctx, inputs);
};
const entry = ctx.catalog.get("gitlab-certified-devops-professional");
const sign = async (total: number) => {
  const { publicUrl } = ctx.config;
  const created = new Date(Math.floor(Date.now() / 1000) * 1000);
  const credentials = Array.from({ length: total }, (_, i) =>
    buildOpenBadgeCredential({
      id: `${publicUrl}/credentials/s-${n + i}`,
      issuer: ctx.issuer,
      achievement: toOb3Achievement(entry as NonNullable<typeof entry>, publicUrl),
      identifiers: recipientIdentifiers({ email: `s${n + i}@example.org`, name: `Person ${n + i}` }, ctx.newSalt()),
      validFrom: created,
      credentialStatus: statusListEntry(publicUrl, { listId: "1", index: (n + i) % 131_072, purpose: "revocation" }),
    }),
  );
  n += total;
  for (let start = 0; start < total; start += 32) {
    await signCredentials(ctx, credentials.slice(start, start + 32), created);
  }
};
const run = mode === "http" ? http : mode === "sign" ? sign : bulk;
await run(Math.min(200, count));
const profiling = process.env.PROFILE !== "0";
const profiler = await startProfiler({ enabled: profiling, intervalUs: 200 });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await run(count);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await profiler.stop(out);
console.log(
  `${mode} ${count}: ${ms.toFixed(0)} ms, ${((count * 1000) / ms).toFixed(1)}/s; process CPU ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms per credential`,
);
await ctx.signing.close();
await cleanup();
