import { availableParallelism } from "node:os";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockEddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { createApp } from "../src/app.js";
import type { JsonObject } from "../src/crypto/data-integrity.js";
import { apiKeyPrincipal } from "../src/domain/access.js";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { buildOpenBadgeCredential } from "../src/domain/credential/build.js";
import { recipientIdentifiers } from "../src/domain/credential/identity.js";
import { statusListEntry } from "../src/domain/status/status-list-credential.js";
import { createApiKey } from "../src/services/api-keys.js";
import { getJob, type JobView, jobResults, submitJob } from "../src/services/jobs.js";
import { runJobs } from "../src/services/jobs-runner.js";
import { getCredential } from "../src/services/read-credentials.js";
import { benchContext, fmt, median } from "./harness.js";

/** The certification of every row: the awards job issues it, the evidence job's rows complete it. */
const ACHIEVEMENT = "gitlab-certified-associate";

/** The p-th percentile (0-100) of latencies in ms. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Issue 17: bulk jobs end to end (submitted as a CSV file, stored, run by the runner in this process), at `rows` rows:
 * - an awards job (one credential per row) and an evidence job (two rows per person: a written score and a graded
 *   lab, which complete the certification: one credential per two rows), each in rows per second beside the bare
 *   single-process `@digitalbazaar/vc` signing rate of the same credential (stock eddsa-rdfc-2022, one thread),
 *   measured in blocks alternating with the jobs;
 * - the p99 latency of single `POST /admin/credentials` (one in flight) while an awards job runs, beside its p99
 *   with no job running (measured before and after).
 * Every job must end `done` with one result per row; a sample of its credentials is verified with the unmodified
 * `vc.verifyCredential`.
 */
export async function benchJobs(options: { rows: number; stockPerBlock: number; probes: number }): Promise<void> {
  const { ctx, cleanup } = await benchContext();
  const entry = ctx.catalog.get(ACHIEVEMENT);
  if (!entry) {
    throw new Error("missing catalog entry");
  }
  const { publicUrl } = ctx.config;
  const documentLoader = ctx.keys.current().documentLoader;
  const achievement = toOb3Achievement(entry, publicUrl);
  const stockKey = await Ed25519Multikey.generate({
    controller: ctx.keys.current().keyring.did,
    id: ctx.keys.current().keyring.active.verificationMethod,
  });
  const stockSigner = stockKey.signer();
  let n = 0;
  const stockCredential = (i: number): JsonObject =>
    buildOpenBadgeCredential({
      id: `${publicUrl}/credentials/stock-${i}`,
      issuer: ctx.issuer,
      achievement,
      identifiers: recipientIdentifiers({ email: `stock${i}@example.org`, name: `Person ${i}` }, ctx.newSalt()),
      validFrom: new Date(Math.floor(Date.now() / 1000) * 1000),
      credentialStatus: statusListEntry(publicUrl, { listId: "1", index: (i * 7919) % 131_072, purpose: "revocation" }),
    });
  const stockRate = async (count: number) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const now = new Date();
      await vc.issue({
        credential: stockCredential(n++),
        suite: new DataIntegrityProof({ signer: stockSigner, date: now, cryptosuite: stockEddsaRdfc2022 }),
        documentLoader,
        now,
      });
    }
    return (count * 1000) / (performance.now() - start);
  };

  // The submitter: a key that issues and grades as a PS engineer (the graded lab counts only from that role; an admin
  // key's records would carry no role); single issuance goes through an admin key.
  const scopes = ["credentials:issue", "evidence:write"] as const;
  const { id: keyId } = await createApiKey(ctx, {
    name: "bench-jobs",
    scopes: [...scopes],
    graderRole: "ps-engineer",
    actor: "bench",
  });
  const principal = apiKeyPrincipal({ keyId, scopes, graderRole: "ps-engineer" });
  const { token } = await createApiKey(ctx, { name: "bench", scopes: ["admin"], actor: "bench" });
  const app = createApp(ctx, { publicDir: "./" });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const issueOne = async () => {
    const t0 = performance.now();
    const res = await app.request("/admin/credentials", {
      method: "POST",
      headers,
      body: JSON.stringify({
        achievementId: ACHIEVEMENT,
        recipient: { email: `single${n++}@example.org`, name: "Single" },
      }),
    });
    if (res.status !== 201) {
      throw new Error(`POST /admin/credentials: ${res.status} ${await res.text()}`);
    }
    await res.arrayBuffer();
    return performance.now() - t0;
  };

  const awardsCsv = (rows: number) => {
    const lines = ["certification,email,name,externalId"];
    for (let i = 0; i < rows; i++) {
      const k = n++;
      lines.push(`${ACHIEVEMENT},award${k}@example.org,Person ${k},a-${k}`);
    }
    return `${lines.join("\n")}\n`;
  };
  const evidenceCsv = (rows: number) => {
    const lines = ["kind,externalId,email,name,occurredAt,assessment,score,passed"];
    for (let i = 0; i < rows / 2; i++) {
      const k = n++;
      lines.push(
        `assessment,w-${k},evidence${k}@example.org,Person ${k},2026-01-02T09:00:00Z,gitlab-associate-written,90,`,
      );
      lines.push(`assessment,l-${k},evidence${k}@example.org,,2026-01-03T09:00:00Z,gitlab-associate-lab,,true`);
    }
    return `${lines.join("\n")}\n`;
  };

  /** Submits the file and runs the job to its end in this process; rows per second over both. */
  const runJob = async (kind: "awards" | "evidence", csv: string) => {
    const bytes = new TextEncoder().encode(csv);
    const start = performance.now();
    const { job } = await submitJob(ctx, {
      kind,
      format: "csv",
      body: (async function* () {
        for (let at = 0; at < bytes.length; at += 64 * 1024) {
          yield bytes.subarray(at, at + 64 * 1024);
        }
      })(),
      fileName: `bench-${kind}.csv`,
      dryRun: false,
      onDuplicate: "skip",
      principal,
    });
    const submitted = performance.now();
    await runJobs(ctx, { jobId: job.id });
    const ms = performance.now() - start;
    const view: JobView = await getJob(ctx, job.id);
    if (view.status !== "done" || view.failed > 0 || view.done !== view.total) {
      throw new Error(`the ${kind} job ended ${view.status}: ${JSON.stringify(view)}`);
    }
    const credentialIds: string[] = [];
    let results = 0;
    for await (const result of jobResults(ctx, job.id)) {
      results++;
      for (const credential of result.credentials ?? []) {
        credentialIds.push(credential.id);
      }
    }
    if (results !== view.total) {
      throw new Error(`the ${kind} job has ${results} results for ${view.total} rows`);
    }
    return { rate: (view.total * 1000) / ms, submitMs: submitted - start, ms, credentialIds, rows: view.total };
  };

  /** Verifies a spread sample of the job's credentials with the unmodified library. */
  const verifySample = async (ids: string[], count: number) => {
    const step = Math.max(1, Math.floor(ids.length / count));
    for (let i = 0; i < ids.length; i += step) {
      const view = await getCredential(ctx, ids[i] as string);
      const result = await vc.verifyCredential({
        credential: view.credential,
        suite: new DataIntegrityProof({ cryptosuite: stockEddsaRdfc2022 }),
        documentLoader,
        checkStatus: async () => ({ verified: true }),
      });
      if (!result.verified) {
        throw new Error(`credential ${ids[i]} does not verify: ${JSON.stringify(result.error ?? result)}`);
      }
    }
  };

  // Warm-up: JIT, jsonld's caches, every worker's expansion templates.
  await stockRate(10);
  await runJob("awards", awardsCsv(200));
  await runJob("evidence", evidenceCsv(200));
  for (let i = 0; i < 20; i++) {
    await issueOne();
  }

  const stock: number[] = [];
  const idle: number[] = [];
  stock.push(await stockRate(options.stockPerBlock));
  for (let i = 0; i < options.probes / 2; i++) {
    idle.push(await issueOne());
  }
  const awards = await runJob("awards", awardsCsv(options.rows));
  stock.push(await stockRate(options.stockPerBlock));
  const evidence = await runJob("evidence", evidenceCsv(options.rows));
  stock.push(await stockRate(options.stockPerBlock));

  // Single issuance while an awards job runs: one request in flight until the job ends.
  const busy: number[] = [];
  let running = true;
  const loaded = runJob("awards", awardsCsv(options.rows)).finally(() => {
    running = false;
  });
  while (running) {
    busy.push(await issueOne());
  }
  const underLoad = await loaded;
  for (let i = 0; i < options.probes / 2; i++) {
    idle.push(await issueOne());
  }
  stock.push(await stockRate(options.stockPerBlock));

  await verifySample(awards.credentialIds, 20);
  await verifySample(evidence.credentialIds, 20);
  if (evidence.credentialIds.length !== options.rows / 2) {
    throw new Error(`the evidence job awarded ${evidence.credentialIds.length} of ${options.rows / 2}`);
  }

  const base = median(stock);
  console.log(
    `\n== Issue 17: bulk jobs of ${fmt(options.rows, 0)} rows, CSV submitted and run in process, beside the bare single-process library (${ctx.signing.size} signing threads, ${availableParallelism()} cores) ==`,
  );
  console.log(
    `    stock vc.issue of the same credential, one thread (DI only) ${fmt(base).padStart(8)} /s   blocks: ${stock.map((x) => fmt(x, 0)).join(" ")}`,
  );
  const line = (label: string, r: typeof awards, perCredential: number) =>
    console.log(
      `  ${label.padEnd(44)} ${fmt(r.rate).padStart(8)} rows/s  (${fmt(r.rate / perCredential)} credentials/s; submit ${fmt(r.submitMs / 1000, 2)} s of ${fmt(r.ms / 1000, 2)} s)   rows/s ÷ stock = ${fmt(r.rate / base, 2)}×`,
    );
  line(`awards job (${fmt(awards.rows, 0)} rows, one credential each)`, awards, 1);
  line(`evidence job (${fmt(evidence.rows, 0)} rows, a credential per 2)`, evidence, 2);
  line("awards job with single POSTs alongside", underLoad, 1);
  console.log(
    `  single POST /admin/credentials, 1 in flight: p99 ${fmt(percentile(busy, 99))} ms while a job runs (${busy.length} requests; p50 ${fmt(percentile(busy, 50))} ms)   vs p99 ${fmt(percentile(idle, 99))} ms with none (${idle.length}; p50 ${fmt(percentile(idle, 50))} ms)`,
  );
  console.log(`  verified with the unmodified vc.verifyCredential: a sample of 20 credentials of each job`);
  await ctx.signing.close();
  await cleanup();
}
