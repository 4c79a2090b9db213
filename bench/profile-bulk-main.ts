import "../src/harden-process.js";
import { readFileSync, writeFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import type { SignedCredential, SigningPool } from "../src/crypto/signing-pool.js";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { statusListEntry } from "../src/domain/status/status-list-credential.js";
import { credentialUrl } from "../src/services/credential-view.js";
import type { ServiceContext } from "../src/services/deps.js";
import { issueCredentials } from "../src/services/issue-credential.js";
import type { IssueCredentialInput } from "../src/services/issue-plan.js";
import { JOB_ISSUE_OPTIONS } from "../src/services/jobs-runner.js";
import { benchContext, median } from "./harness.js";
import { startProfiler, topSelfTime } from "./profiler.js";

/**
 * The main thread's own work in bulk issuance (issueCredentials, target 1 of issue 16), without the signing workers:
 * the pool is replaced by one that answers every batch at once with credentials signed before the rounds (their texts
 * as a worker sends them: JSON and VC-JWT; the same strings for every batch, so the stored rows are not the signed
 * documents of their ids: a measure of storing, never a test). What remains is what the main thread does per credential
 * in the real bulk path (settling, reserving status indexes, building recipes, the write transactions, the outcomes),
 * minus receiving the workers' answers (piscina's messages and their structured-clone copy). Measured as the main
 * thread's CPU time (Linux /proc schedstat), per credential, in `rounds` rounds of `count` after a warm-up (median and
 * each round), which the other processes' load distorts much less than wall time. `PROFILE=1` prints the top functions
 * by self time of the last round. `JOBS=1`: with the bulk jobs' options (JOB_ISSUE_OPTIONS).
 *
 *   node --disable-proto=delete --import tsx bench/profile-bulk-main.ts 5000 5
 */
const count = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 5);
const options = process.env.JOBS === "1" ? JOB_ISSUE_OPTIONS : {};

/** The main thread's GC pauses (ms) so far. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
  }
}).observe({ entryTypes: ["gc"] });

const mainThreadCpuMs = () =>
  Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;

const { ctx, cleanup } = await benchContext();
const entry = ctx.catalog.get("gitlab-certified-devops-professional");
if (!entry) {
  throw new Error("missing catalog entry");
}
const { publicUrl } = ctx.config;
const created = new Date(Math.floor(Date.now() / 1000) * 1000);
// Credentials signed by the real pool once: their texts stand for every batch's answer.
const sample = await ctx.signing.signCredentials({
  recipes: {
    issuer: ctx.issuer,
    achievements: [toOb3Achievement(entry, publicUrl)],
    recipes: Array.from({ length: 32 }, (_, i) => ({
      id: credentialUrl(publicUrl, ctx.newId()),
      achievement: 0,
      recipient: { email: `sample${i}@example.org`, name: `Person ${i}` },
      salt: ctx.newSalt(),
      validFrom: created,
      credentialStatus: statusListEntry(publicUrl, { listId: "1", index: i, purpose: "revocation" }),
    })),
  },
  created,
  generation: ctx.keys.current().keyring.active.generation,
});
await ctx.signing.close();
const answer = (i: number): SignedCredential => {
  const { json, jwt, verificationMethod } = sample[i % sample.length] as SignedCredential;
  let document: Record<string, unknown> | undefined;
  return {
    get document() {
      document ??= JSON.parse(json) as Record<string, unknown>;
      return document;
    },
    json,
    jwt,
    verificationMethod,
  };
};
const instant: SigningPool = {
  size: 2,
  threads: [],
  host: async () => undefined,
  signCredential: async () => answer(0),
  signCredentials: async (request) => {
    const n = "credentials" in request ? request.credentials.length : request.recipes.recipes.length;
    return Array.from({ length: n }, (_, i) => answer(i));
  },
  updateKeys: async () => {},
  close: async () => {},
};
const fake: ServiceContext = Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { signing: instant });

let n = 0;
const inputs = (k: number): IssueCredentialInput[] =>
  Array.from({ length: k }, () => ({
    achievementId: "gitlab-certified-devops-professional",
    recipient: { email: `bulk${n}@example.org`, name: `Person ${n++}` },
    actor: "bench",
  }));
await issueCredentials(fake, inputs(1000), options);
const perCredential: number[] = [];
const gcPerCredential: number[] = [];
for (let r = 0; r < rounds; r++) {
  const profiler = process.env.PROFILE === "1" && r === rounds - 1 ? await startProfiler() : undefined;
  const cpu0 = mainThreadCpuMs();
  const gc0 = gcMs;
  const outcomes = await issueCredentials(fake, inputs(count), options);
  perCredential.push(((mainThreadCpuMs() - cpu0) * 1000) / count);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the last gc entries
  gcPerCredential.push(((gcMs - gc0) * 1000) / count);
  const profile = await profiler?.stop();
  if (outcomes.some((o) => !o.ok)) {
    throw new Error("a credential was not issued");
  }
  if (profile) {
    console.log(topSelfTime(profile, 30).lines.join("\n"));
    if (process.env.PROFILE_OUT) {
      writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    }
  }
}
console.log(
  `main thread CPU per credential (signing answered at once): median ${median(perCredential).toFixed(1)} µs; rounds ${perCredential.map((x) => x.toFixed(1)).join(" ")}`,
);
console.log(
  `  of which GC pauses: median ${median(gcPerCredential).toFixed(1)} µs; rounds ${gcPerCredential.map((x) => x.toFixed(1)).join(" ")}`,
);
await cleanup();
