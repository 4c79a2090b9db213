import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import type { DocumentLoader } from "@digitalbazaar/vc";
import * as vc from "@digitalbazaar/vc";
import { createEddsaRdfc2022Cryptosuite } from "./eddsa-rdfc-2022.js";
import type { IssuerSigner } from "./keyring.js";

export type JsonObject = Record<string, unknown>;

/**
 * The eddsa-rdfc-2022 cryptosuite proofs are made and checked with here: the stock suite with JSON-LD expansion
 * replayed per document shape and verifiers kept per key (eddsa-rdfc-2022.ts); same output, byte for byte. Module
 * state on purpose (one per process or worker thread): its caches are bounded (256 shapes, 64 keys), keyed by
 * immutable inputs (a document's shape text, a verification method's JSON), and a template is replayed only while
 * the document loader serves the context documents it was learnt from. Suites verifying others' credentials can
 * take it too.
 */
export const dataIntegrityCryptosuite = createEddsaRdfc2022Cryptosuite();

/**
 * The same fast cryptosuite for the verifiers of anyone's credentials (verify/proof-suites.ts), with caches of its own:
 * documents a visitor sends (who may send hundreds of shapes) never evict the templates our own signing replays, nor
 * teach the signing instance anything, on the main thread or on a signing worker that verifies for it.
 */
export const verifyingCryptosuite = createEddsaRdfc2022Cryptosuite();

/**
 * Signs a credential with a `DataIntegrityProof` / `eddsa-rdfc-2022` (VC-DI-EDDSA §3) and returns
 * it with `proof` as an array, as OB 3.0 serialization requires.
 */
export async function signDataIntegrity(options: {
  credential: JsonObject;
  signer: IssuerSigner;
  documentLoader: DocumentLoader;
  now: Date;
}): Promise<JsonObject> {
  const suite = new DataIntegrityProof({
    signer: options.signer.signer,
    date: options.now,
    cryptosuite: dataIntegrityCryptosuite,
  });
  const signed = await vc.issue({
    credential: options.credential,
    suite,
    documentLoader: options.documentLoader,
    now: options.now,
  });
  const proof = signed.proof;
  return { ...signed, proof: Array.isArray(proof) ? proof : [proof] };
}

export type ProofCheck = { verified: true } | { verified: false; reason: string };

/** Verifies the Data Integrity proof(s) of a credential; an invalid proof is a result, not an exception. */
export async function verifyDataIntegrity(options: {
  credential: JsonObject;
  documentLoader: DocumentLoader;
  now?: Date;
}): Promise<ProofCheck> {
  const result = await vc.verifyCredential({
    credential: options.credential,
    suite: new DataIntegrityProof({ cryptosuite: dataIntegrityCryptosuite }),
    documentLoader: options.documentLoader,
    now: options.now,
    // This checks the proof only; a credential's status (Bitstring Status List) is checked on its own.
    checkStatus: async () => ({ verified: true }),
  });
  if (result.verified) {
    return { verified: true };
  }
  const error = result.error;
  const reason = error?.errors?.map((e) => e.message).join("; ") || error?.message || "proof did not verify";
  return { verified: false, reason };
}
