import { readFileSync } from "node:fs";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockEddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { describe, expect, it } from "vitest";
import type { CanonizeOutcome } from "../../src/crypto/canonize.js";
import { dataIntegrityCryptosuite, verifyingCryptosuite } from "../../src/crypto/data-integrity.js";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { createEddsaRdfc2022Cryptosuite } from "../../src/crypto/eddsa-rdfc-2022.js";
import { MULTIKEY_V1_CONTEXT } from "../../src/domain/contexts.js";
import { suiteOf } from "../../src/verify/proof-suites.js";

/**
 * Verifying credentials Laurel did not issue through the fast cryptosuite gives the stock verdicts: the 1EdTech and
 * DCC eddsa-rdfc-2022 fixtures, intact and tampered, with the key named in the proof (as src/verify does).
 */

const interop = (name: string) =>
  JSON.parse(readFileSync(`../shared/fixtures/interop/${name}`, "utf8")) as Record<string, unknown>;
const FOREIGN = ["1edtech-ob30-complete.json", "1edtech-ob30-simple.json", "dcc-v2-didkey-eddsa-basicOBv3.json"];

type Proof = { verificationMethod: string; proofValue: string };
function eddsaProof(credential: Record<string, unknown>): Proof {
  const proofs = [credential.proof].flat() as Array<Record<string, unknown>>;
  return proofs.find((p) => p.cryptosuite === "eddsa-rdfc-2022") as unknown as Proof;
}

/** A loader serving the bundled contexts and the proof's key (the key-in-fragment form: `…#z6Mk…`). */
function loaderFor(credential: Record<string, unknown>) {
  const id = eddsaProof(credential).verificationMethod;
  const [controller, multibase] = id.split("#") as [string, string];
  const vm = { "@context": MULTIKEY_V1_CONTEXT, id, type: "Multikey", controller, publicKeyMultibase: multibase };
  return createDocumentLoader(new Map([[id, vm]]));
}

async function verifyWith(cryptosuite: unknown, credential: Record<string, unknown>) {
  const proof = eddsaProof(credential);
  const issuer = credential.issuer as string | { id: string };
  const result = await vc.verifyCredential({
    credential: { ...credential, proof },
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader: loaderFor(credential),
    purpose: new vc.CredentialIssuancePurpose({
      controller: { id: typeof issuer === "string" ? issuer : issuer.id, assertionMethod: [proof.verificationMethod] },
    }),
    maxClockSkew: 1e13,
    checkStatus: async () => ({ verified: true }),
  });
  const messages = [result.error?.message, ...(result.error?.errors ?? []).map((e) => e.message)].filter(Boolean);
  return { verified: result.verified, messages };
}

describe("verifying others' credentials through the fast cryptosuite", () => {
  it("gives the stock verdict for each fixture, intact and tampered, twice (learnt, then replayed)", async () => {
    const outcomes: CanonizeOutcome[] = [];
    const fast = createEddsaRdfc2022Cryptosuite({ observe: (outcome) => outcomes.push(outcome) });
    for (const name of FOREIGN) {
      const intact = interop(name);
      const tampered = { ...intact, name: `${String(intact.name)} (edited)` };
      for (const credential of [intact, tampered, intact, tampered]) {
        const expected = await verifyWith(stockEddsaRdfc2022, credential);
        expect(await verifyWith(fast, credential), name).toEqual(expected);
      }
      expect((await verifyWith(fast, intact)).verified, name).toBe(true);
      expect((await verifyWith(fast, tampered)).verified, name).toBe(false);
    }
    expect(outcomes.filter((o) => o.path === "full")).toEqual([]);
    expect(outcomes.filter((o) => o.path === "template" && !o.learnt).length).toBeGreaterThan(outcomes.length / 2);
  });

  it("answers as the stock verifier for another key and for keys the library refuses, cached or not", async () => {
    const fast = createEddsaRdfc2022Cryptosuite({ maxVerifiers: 2 });
    const credential = interop("1edtech-ob30-simple.json");
    const other = await Ed25519Multikey.generate();
    const method = (publicKeyMultibase: string) => ({
      "@context": MULTIKEY_V1_CONTEXT,
      id: "https://example.org/keys#1",
      type: "Multikey",
      controller: "https://example.org/keys",
      publicKeyMultibase,
    });
    const behaviour = async (suite: typeof fast, publicKeyMultibase: string) => {
      try {
        const verifier = await suite.createVerifier({ verificationMethod: method(publicKeyMultibase) });
        const data = new TextEncoder().encode("data");
        return await verifier.verify({ data, signature: new Uint8Array(64) }).catch((e) => `verify: ${e.message}`);
      } catch (error) {
        return `createVerifier: ${(error as Error).message}`;
      }
    };
    const stock = stockEddsaRdfc2022 as unknown as typeof fast;
    for (const key of [other.publicKeyMultibase, "zNotAKey", "z6Mk", "uAAAA"]) {
      const expected = await behaviour(stock, key);
      expect(await behaviour(fast, key), key).toEqual(expected);
      expect(await behaviour(fast, key), `${key}, cached`).toEqual(expected);
    }
    expect(await behaviour(fast, other.publicKeyMultibase)).toBe(false);
    // More keys than the cache holds: each still verifies what it signed.
    for (let i = 0; i < 5; i++) {
      const key = await Ed25519Multikey.generate();
      const data = new TextEncoder().encode(`message ${i}`);
      const signature = await key.signer().sign({ data });
      const verifier = await fast.createVerifier({ verificationMethod: method(key.publicKeyMultibase) });
      expect(await verifier.verify({ data, signature })).toBe(true);
      expect(verifier.algorithm).toBe("Ed25519");
    }
    expect((await verifyWith(fast, credential)).verified).toBe(true);
  });
});

describe("the verifiers' cryptosuite", () => {
  it("is not the signing one: documents anyone sends never reach the caches our signing replays", () => {
    const suite = suiteOf({ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022" });
    const instance = suite?.create() as unknown as { _cryptosuite: unknown }; // the library keeps the instance there
    expect(instance._cryptosuite).toBe(verifyingCryptosuite);
    expect(verifyingCryptosuite).not.toBe(dataIntegrityCryptosuite);
  });
});
