import "../src/harden-process.js";
import { readFileSync } from "node:fs";
import * as vc from "@digitalbazaar/vc";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { verifyForVcApi } from "../src/services/vc-api-verify.js";
import { credentialInput, verifyEnv } from "../src/services/verify-credential.js";
import { verifyEmbeddedProofs } from "../src/verify/embedded-proofs.js";
import { type Analysis, analyseCredential, finishReport } from "../src/verify/engine.js";
import { readInput } from "../src/verify/read-input.js";
import { parseJson } from "../src/verify/safe-json.js";
import { checkSchema } from "../src/verify/schema-check.js";
import {
  checkSignature,
  type SignatureCheck,
  type SignatureTask,
  type SignatureTaskOutcome,
} from "../src/verify/signature-check.js";
import { benchContext } from "./harness.js";
import { foreignOpenBadges } from "./vc-api-verify.js";

/**
 * CPU per stage (µs, the main thread's own scheduler counter) of verifying a realistic foreign OpenBadgeCredential
 * (bench/vc-api-verify.ts), each stage run alone over `count` distinct credentials on the main thread, after a
 * warm-up over as many others:
 *   node --disable-proto=delete --import tsx bench/profile-vc-verify-stages.ts [count]
 * "signature" is the stage a signing worker can make (verify/signature-check.ts: the proof's canonicalisation and
 * signature check); "signature on a worker" the same checks sent to the pool one at a time, and in batches (the
 * worker threads' CPU per check beside the main thread's).
 */
const count = Number(process.argv[2] ?? 500);

function mainCpu(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1000;
}
function allCpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const bench = await benchContext();
const ctx: ServiceContext = {
  ...bench.ctx,
  config: { ...bench.ctx.config, verify: { ...bench.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
};
const app = createApp(ctx);
const { credentials } = await foreignOpenBadges(ctx, 2 * count);
const env = await verifyEnv(ctx);
const texts = credentials.map((c) => JSON.stringify(c));
const bodies = credentials.map((c) => JSON.stringify({ verifiableCredential: c }));
const parsed = texts.map((t) => (parseJson(t) as { value: Record<string, unknown> }).value);
const reads = texts.map(
  (text) => ({ ok: true, kind: "json", format: "json", standard: "ob3", text, from: "the request" }) as const,
);
const checks: SignatureCheck[] = [];
await Promise.all(
  parsed.map((credential) =>
    verifyEmbeddedProofs(credential, {
      ...env,
      checkSignature: async (check) => {
        checks.push(check);
        return undefined;
      },
    }),
  ),
);

const stages: Record<string, (i: number) => unknown> = {
  "POST /credentials/verify (all)": async (i) => {
    const res = await app.request("/credentials/verify", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(bodies[i] as string)) },
      body: bodies[i] as string,
    });
    await res.json();
  },
  "POST, the same credential (memo)": async () => {
    const res = await app.request("/credentials/verify", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(bodies[0] as string)) },
      body: bodies[0] as string,
    });
    await res.json();
  },
  "verifyForVcApi (service, no HTTP)": (i) => verifyForVcApi(ctx, credentials[i] as Record<string, unknown>),
  "JSON.parse of the body": (i) => JSON.parse(bodies[i] as string),
  "credentialInput (depth, stringify)": (i) => credentialInput(credentials[i] as Record<string, unknown>, "x"),
  readInput: (i) =>
    readInput({ kind: "text", text: texts[i] as string }, { maxBytes: 1e7, maxPixels: 1e8 }, ctx.config.publicUrl),
  parseJson: (i) => parseJson(texts[i] as string),
  "checkSchema (ajv)": (i) => checkSchema(parsed[i] as Record<string, unknown>, env.ob3Schema),
  "vc._checkCredential": (i) =>
    vc._checkCredential({ credential: parsed[i] as Record<string, unknown>, mode: "verify", maxClockSkew: 1e13 }),
  "verifyEmbeddedProofs (all)": (i) => verifyEmbeddedProofs(parsed[i] as Record<string, unknown>, env),
  "signature (checkSignature)": (i) => checkSignature(checks[i] as SignatureCheck),
  "analyseCredential (all)": (i) => analyseCredential(reads[i] as (typeof reads)[number], env, { profile: "vc" }),
  finishReport: async (i) => finishReport((await analysed[i]) as Analysis, env, undefined),
};
const analysed = reads.map((r) => analyseCredential(r, env, { profile: "vc" }));
await Promise.all(analysed);

const results: [string, number, number][] = [];
for (const [name, stage] of Object.entries(stages)) {
  for (let i = count; i < 2 * count; i++) {
    await stage(i); // warm-up on the other half
  }
  const main0 = mainCpu();
  const all0 = allCpu();
  for (let i = 0; i < count; i++) {
    await stage(i);
  }
  results.push([name, (mainCpu() - main0) / count, (allCpu() - all0) / count]);
}
// The signature stage on the pool's workers (sequential round trips, one check or four each): the main thread's CPU
// per check (the hand-off) and all threads' (the workers' check, their collector).
if (ctx.signing.size > 0) {
  for (const batch of [1, 4, 8]) {
    const run = async (from: number) => {
      for (let i = from; i < from + count; i += batch) {
        const task: SignatureTask = { kind: "signatures", checks: checks.slice(i, i + batch) };
        const outcomes = await ctx.signing.host<SignatureTaskOutcome>(task);
        if (!outcomes?.every((o) => o?.matched && o.verified)) {
          throw new Error("a worker did not verify a bench credential");
        }
      }
    };
    await run(count);
    const main0 = mainCpu();
    const all0 = allCpu();
    await run(0);
    results.push([`signature on a worker, ${batch} per task`, (mainCpu() - main0) / count, (allCpu() - all0) / count]);
  }
}
for (const [name, main, all] of results) {
  console.log(
    `${name.padEnd(40)} main ${main.toFixed(0).padStart(6)} µs   all threads ${all.toFixed(0).padStart(6)} µs`,
  );
}
await bench.cleanup();
