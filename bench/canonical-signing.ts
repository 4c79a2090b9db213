import { existsSync, readFileSync } from "node:fs";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockEddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { dataIntegrityCryptosuite, signDataIntegrity, verifyDataIntegrity } from "../src/crypto/data-integrity.js";
import { createDocumentLoader } from "../src/crypto/document-loader.js";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { MULTIKEY_V1_CONTEXT } from "../src/domain/contexts.js";
import { buildOpenBadgeCredential } from "../src/domain/credential/build.js";
import { recipientIdentifiers } from "../src/domain/credential/identity.js";
import { statusListEntry } from "../src/domain/status/status-list-credential.js";
import { benchContext, fmt, median, rate } from "./harness.js";

type Op = (i: number) => Promise<unknown>;
type Pair = { stock: Op; fast: Op };

/** A credential of another issuer to verify (the 1EdTech "complete" example, 16 KB), if shared/ is beside the clone. */
const FOREIGN_FIXTURE = "../shared/fixtures/interop/1edtech-ob30-complete.json";

/**
 * Data Integrity signing and verification, single thread, sequential: the fast path (JSON-LD expansion replayed per
 * document shape, src/crypto/canonize.ts) against the stock libraries on the same credential, in alternating blocks of
 * the same run. Reports block medians and the median of the per-block ratios (robust to a machine shared with
 * others). The stock side of signing is vc.issue with the library's own cryptosuite and signer, as shipped.
 */
export async function benchCanonicalSigning(options: { blocks: number; perBlock: number }): Promise<void> {
  const { ctx, cleanup } = await benchContext();
  const entry = ctx.catalog.get("gitlab-certified-devops-professional");
  if (!entry) {
    throw new Error("missing catalog entry");
  }
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const credential = buildOpenBadgeCredential({
    id: `${ctx.config.publicUrl}/credentials/bench-1`,
    issuer: ctx.issuer,
    achievement: toOb3Achievement(entry, ctx.config.publicUrl),
    identifiers: recipientIdentifiers({ email: "bench@example.org", name: "Bench Person" }, ctx.newSalt()),
    validFrom: now,
    credentialStatus: statusListEntry(ctx.config.publicUrl, { listId: "1", index: 4242, purpose: "revocation" }),
  });
  const stockKey = await Ed25519Multikey.generate({
    controller: ctx.keys.current().keyring.did,
    id: ctx.keys.current().keyring.active.verificationMethod,
  });
  const stockSigner = stockKey.signer();
  const signed = await signDataIntegrity({
    credential: structuredClone(credential),
    signer: ctx.keys.current().keyring.active,
    documentLoader: ctx.keys.current().documentLoader,
    now,
  });
  const check = (verified: boolean, who: string) => {
    if (!verified) {
      throw new Error(`${who} did not verify the bench credential`);
    }
  };

  const pairs: Record<string, Pair> = {
    "sign (4.3 KB OpenBadgeCredential)": {
      stock: () =>
        vc.issue({
          credential: structuredClone(credential),
          suite: new DataIntegrityProof({ signer: stockSigner, date: now, cryptosuite: stockEddsaRdfc2022 }),
          documentLoader: ctx.keys.current().documentLoader,
          now,
        }),
      fast: () =>
        signDataIntegrity({
          credential: structuredClone(credential),
          signer: ctx.keys.current().keyring.active,
          documentLoader: ctx.keys.current().documentLoader,
          now,
        }),
    },
    "verify (ours)": {
      stock: async () => {
        const result = await vc.verifyCredential({
          credential: signed,
          suite: new DataIntegrityProof({ cryptosuite: stockEddsaRdfc2022 }),
          documentLoader: ctx.keys.current().documentLoader,
          checkStatus: async () => ({ verified: true }),
        });
        check(result.verified, "the library");
      },
      fast: async () =>
        check(
          (await verifyDataIntegrity({ credential: signed, documentLoader: ctx.keys.current().documentLoader }))
            .verified,
          "ours",
        ),
    },
  };

  if (existsSync(FOREIGN_FIXTURE)) {
    const foreign = JSON.parse(readFileSync(FOREIGN_FIXTURE, "utf8")) as Record<string, unknown>;
    const proof = [foreign.proof].flat()[0] as { verificationMethod: string };
    const [controller, multibase] = proof.verificationMethod.split("#") as [string, string];
    const vm = {
      "@context": MULTIKEY_V1_CONTEXT,
      id: proof.verificationMethod,
      type: "Multikey",
      controller,
      publicKeyMultibase: multibase,
    };
    const issuer = (foreign.issuer as { id: string }).id;
    // As src/verify/embedded-proofs.ts does it: a loader per check serving the key, the key's controller as given.
    const verifyForeign = async (cryptosuite: unknown) => {
      const result = await vc.verifyCredential({
        credential: foreign,
        suite: new DataIntegrityProof({ cryptosuite }),
        documentLoader: createDocumentLoader(new Map([[vm.id, vm]])),
        purpose: new vc.CredentialIssuancePurpose({ controller: { id: issuer, assertionMethod: [vm.id] } }),
        maxClockSkew: 1e13,
        checkStatus: async () => ({ verified: true }),
      });
      check(result.verified, "the foreign credential");
    };
    pairs["verify (1EdTech complete, 16 KB)"] = {
      stock: () => verifyForeign(stockEddsaRdfc2022),
      fast: () => verifyForeign(dataIntegrityCryptosuite),
    };
  }

  // The fast side runs more operations per block, so that both sides of a block take comparable time.
  const fastFactor = 10;
  for (const pair of Object.values(pairs)) {
    await rate(20, pair.stock); // warm-up: JIT, jsonld's context caches
    await rate(20 * fastFactor, pair.fast); // warm-up, and the templates are learnt
  }
  console.log(
    `\n== Data Integrity, single thread, sequential: fast path vs stock libraries (median of ${options.blocks} alternating blocks) ==`,
  );
  for (const [name, pair] of Object.entries(pairs)) {
    const stock: number[] = [];
    const fast: number[] = [];
    for (let b = 0; b < options.blocks; b++) {
      stock.push(await rate(options.perBlock, pair.stock));
      fast.push(await rate(options.perBlock * fastFactor, pair.fast));
    }
    const ratios = stock.map((s, i) => (fast[i] as number) / s);
    console.log(`  ${name}`);
    console.log(`    stock ${fmt(median(stock)).padStart(9)} /s   blocks: ${stock.map((x) => fmt(x, 0)).join(" ")}`);
    console.log(`    fast  ${fmt(median(fast)).padStart(9)} /s   blocks: ${fast.map((x) => fmt(x, 0)).join(" ")}`);
    console.log(
      `    fast / stock = ${fmt(median(fast) / median(stock))}× (median of per-block ratios ${fmt(median(ratios))}×)`,
    );
  }
  console.log("  target: ≥ 10× single thread (the 20× of 10,000 signatures on 2 cores then needs the worker pool)");
  await cleanup();
}
