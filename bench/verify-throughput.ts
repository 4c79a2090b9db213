import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { verifyCredentialInput, verifyStoredCredential } from "../src/services/verify-credential.js";
import { benchContext, fmt, median, rate } from "./harness.js";

type Op = () => Promise<unknown>;

/**
 * Verification throughput, all on the same credential in the same run, in alternating blocks:
 * - "library": the bare @digitalbazaar/vc verifyCredential (eddsa-rdfc-2022 proof only: no schema, issuer, status);
 * - "service": verifyCredentialInput (read, schema, proof, issuer, validity, our status list in process);
 * - "POST /api/verify": the same through HTTP routing, rate limiter, validation and JSON in and out;
 * - "verifyStoredCredential": what the public page calls: proof check cached, validity and status live.
 * The rate limit is lifted for the run (the limiter still counts every request).
 */
export async function benchVerifyThroughput(options: { blocks: number; perBlock: number }): Promise<void> {
  const bench = await benchContext();
  const ctx: ServiceContext = {
    ...bench.ctx,
    config: { ...bench.ctx.config, verify: { ...bench.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
  };
  const app = createApp(ctx);
  const issued = await issueCredential(ctx, {
    achievementId: "gitlab-certified-devops-professional",
    recipient: { email: "bench@example.org", name: "Bench Person" },
    actor: "bench",
  });
  const credential = issued.credential;
  const text = JSON.stringify(credential);
  const body = JSON.stringify({ credential });
  const expectValid = (verdict: string | undefined, who: string) => {
    if (verdict !== "valid") {
      throw new Error(`${who} did not verify the bench credential: ${verdict}`);
    }
  };
  const variants: Record<string, Op> = {
    library: async () => {
      const result = await vc.verifyCredential({
        credential,
        suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
        documentLoader: ctx.keys.current().documentLoader,
        checkStatus: async () => ({ verified: true }),
      });
      expectValid(result.verified ? "valid" : "failed", "the library");
    },
    service: async () => expectValid((await verifyCredentialInput(ctx, { kind: "text", text })).verdict, "the service"),
    "POST /api/verify": async () => {
      const res = await app.request("/api/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expectValid(((await res.json()) as { verdict?: string }).verdict, "the API");
    },
    verifyStoredCredential: async () =>
      expectValid((await verifyStoredCredential(ctx, issued.id))?.verdict, "the page path"),
  };
  const names = Object.keys(variants);
  for (const op of Object.values(variants)) {
    await rate(30, op); // warm-up: JIT, schema compilation, caches
  }
  const rates: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let b = 0; b < options.blocks; b++) {
    for (const name of names) {
      rates[name]?.push(await rate(options.perBlock, variants[name] as Op));
    }
  }
  const med = Object.fromEntries(names.map((k) => [k, median(rates[k] ?? [])]));
  const library = med.library ?? 1;
  console.log("\n== Verification throughput: one credential, sequential, median of", options.blocks, "blocks ==");
  for (const name of names) {
    const blocks = (rates[name] ?? []).map((x) => fmt(x, 0)).join(" ");
    console.log(`    ${name.padEnd(24)} ${fmt(med[name] ?? 0).padStart(9)} credentials/s   blocks: ${blocks}`);
  }
  for (const name of names.filter((k) => k !== "library")) {
    console.log(`    ${name.padEnd(24)} / library = ${fmt(((med[name] ?? 0) / library) * 100)} %`);
  }
  console.log(
    "  (the library verifies the proof only; the service also runs the schema, issuer, validity and status checks)",
  );
  await bench.cleanup();
}
