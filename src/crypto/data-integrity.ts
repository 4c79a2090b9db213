import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import type { DocumentLoader } from "@digitalbazaar/vc";
import * as vc from "@digitalbazaar/vc";
import type { IssuerSigner } from "./keyring.js";

export type JsonObject = Record<string, unknown>;

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
    cryptosuite: eddsaRdfc2022,
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
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
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
