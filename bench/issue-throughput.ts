import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { sql } from "drizzle-orm";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { buildOpenBadgeCredential } from "../src/domain/credential/build.js";
import { recipientIdentifiers } from "../src/domain/credential/identity.js";
import { statusListEntry } from "../src/domain/status/status-list-credential.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { benchContext, fmt, median, rate } from "./harness.js";

type Op = (i: number) => Promise<unknown>;

/**
 * Issuance throughput: the full service path (build, Data Integrity sign, VC-JWT sign, store with
 * recipient and audit rows in one durable SQLite transaction) against the bare @digitalbazaar/vc
 * `issue` of the same credential (with a revocation status entry, as the service's carry). Two baselines, both measured in the same run:
 * - "library": vc.issue with @digitalbazaar/ed25519-multikey's own signer (the library as shipped);
 * - "library + our signer": vc.issue with Laurel's signer, which imports the key once.
 * Variants run in alternating blocks so they share the machine's load; we report block medians,
 * strictly sequential and with 4 issuances in flight (as a server under load runs them).
 */
export async function benchIssueThroughput(options: {
  total: number;
  blocks: number;
  concurrencies: number[];
}): Promise<void> {
  const { ctx, cleanup } = await benchContext();
  const achievementId = "gitlab-certified-devops-professional";
  const entry = ctx.catalog.get(achievementId);
  if (!entry) {
    throw new Error("missing catalog entry");
  }
  const stockKey = await Ed25519Multikey.generate({
    controller: ctx.keys.current().keyring.did,
    id: ctx.keys.current().keyring.active.verificationMethod,
  });
  const stockSigner = stockKey.signer();
  const credentialFor = (i: number) =>
    buildOpenBadgeCredential({
      id: `${ctx.config.publicUrl}/credentials/bare-${i}`,
      issuer: ctx.issuer,
      achievement: toOb3Achievement(entry, ctx.config.publicUrl),
      identifiers: recipientIdentifiers({ email: `person${i}@example.org`, name: `Person ${i}` }, ctx.newSalt()),
      validFrom: new Date(Math.floor(Date.now() / 1000) * 1000),
      credentialStatus: statusListEntry(ctx.config.publicUrl, {
        listId: "1",
        index: (i * 7919) % 131_072,
        purpose: "revocation",
      }),
    });
  const bareWith =
    (signer: unknown): Op =>
    (i) => {
      const now = new Date();
      return vc.issue({
        credential: credentialFor(i),
        suite: new DataIntegrityProof({ signer, date: now, cryptosuite: eddsaRdfc2022 }),
        documentLoader: ctx.keys.current().documentLoader,
        now,
      });
    };
  const variants: Record<string, Op> = {
    "library (stock signer)": bareWith(stockSigner),
    "library + our signer": bareWith(ctx.keys.current().keyring.active.signer),
    "service issueCredential": (i) =>
      issueCredential(ctx, {
        achievementId,
        recipient: { email: `person${i}@example.org`, name: `Person ${i}` },
        actor: "bench",
      }),
  };
  const names = Object.keys(variants);
  const perBlock = Math.ceil(options.total / (options.blocks * options.concurrencies.length));
  let n = 2_000_000;
  for (const op of Object.values(variants)) {
    await rate(50, (i) => op(n + i)); // warm-up: JIT, context caches
    n += 50;
  }
  let serviceIssued = 0;
  console.log("\n== Issuance throughput: service (build, sign DI + VC-JWT, store) vs bare @digitalbazaar/vc issue ==");
  for (const concurrency of options.concurrencies) {
    const rates: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
    for (let b = 0; b < options.blocks; b++) {
      for (const name of names) {
        const op = variants[name] as Op;
        const offset = n;
        rates[name]?.push(await rate(perBlock, (i) => op(offset + i), concurrency));
        n += perBlock;
        if (name.startsWith("service")) {
          serviceIssued += perBlock;
        }
      }
    }
    const med = Object.fromEntries(names.map((k) => [k, median(rates[k] ?? [])]));
    const service = med["service issueCredential"] ?? 0;
    console.log(
      `  ${concurrency === 1 ? "sequential (1 in flight)" : `${concurrency} in flight`}, median of ${options.blocks} blocks:`,
    );
    for (const name of names) {
      const blocks = (rates[name] ?? []).map((x) => fmt(x, 0)).join(" ");
      console.log(`    ${name.padEnd(24)} ${fmt(med[name] ?? 0).padStart(7)} credentials/s   blocks: ${blocks}`);
    }
    for (const base of names.filter((k) => !k.startsWith("service"))) {
      console.log(`    service / ${base.padEnd(23)} = ${fmt((service / (med[base] ?? 1)) * 100)} %`);
    }
  }
  const { credentials } = ctx.store.conn().t;
  const [stored = { n: 0 }] = await ctx.store
    .conn()
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(credentials);
  console.log(
    `  credentials issued through the service: ${serviceIssued} measured (+50 warm-up); rows stored: ${stored.n}`,
  );
  console.log("  target: service ≥ 90 % of the bare library rate");
  await cleanup();
}
