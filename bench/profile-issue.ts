import "../src/harden-process.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../src/app.js";
import { createApiKey } from "../src/services/api-keys.js";
import { benchContext } from "./harness.js";
import { type CpuProfile, topSelfTime } from "./profiler.js";

/**
 * A workload to profile issuance with (`node --cpu-prof`): `POST /admin/credentials` with 8 in flight, then an
 * evidence batch that awards one credential per person. `LAUREL_SIGNING_THREADS` says where signing runs (0: the
 * main thread, as before issue 16). `--report <dir>` instead prints the top functions by self time of every profile
 * in the folder (the main thread's and each worker's).
 *
 *   LAUREL_SIGNING_THREADS=0 node --cpu-prof --cpu-prof-dir=/tmp/prof-before --import tsx bench/profile-issue.ts 400
 *   node --import tsx bench/profile-issue.ts --report /tmp/prof-before
 */
function report(dir: string, top = 15): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const { lines, totalUs } = topSelfTime(profile, top);
    console.log(`\n${file}: ${(totalUs / 1e6).toFixed(1)} s sampled; top ${top} by self time`);
    console.log(lines.join("\n"));
  }
}

if (process.argv[2] === "--report") {
  report(process.argv[3] as string);
} else {
  const count = Number(process.argv[2] ?? 400);
  const { ctx, cleanup } = await benchContext();
  const { token } = await createApiKey(ctx, { name: "profile", scopes: ["admin"], actor: "profile" });
  const app = createApp(ctx, { publicDir: "./" });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  let n = 0;
  let left = count;
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
  const records = Array.from({ length: Math.min(250, count / 2) }, (_, i) => {
    const person = { email: `e${i}@example.org`, name: `Person ${i}` };
    return [
      {
        kind: "assessment",
        externalId: `w-${i}`,
        person,
        occurredAt: "2026-01-02T09:00:00Z",
        assessment: "gitlab-associate-written",
        score: 90,
      },
      {
        kind: "assessment",
        externalId: `l-${i}`,
        person,
        occurredAt: "2026-01-03T09:00:00Z",
        assessment: "gitlab-associate-lab",
        passed: true,
        graderRole: "ps-engineer",
      },
    ];
  }).flat();
  const res = await app.request("/admin/evidence/batch", {
    method: "POST",
    headers,
    body: JSON.stringify({ records }),
  });
  if (res.status !== 200) {
    throw new Error(`evidence batch: ${res.status}`);
  }
  await ctx.signing.close();
  await cleanup();
}
