import { createPublicKey, type KeyObject, verify } from "node:crypto";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockCryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { type Canonize, type CanonizeOutcome, createCanonize } from "./canonize.js";

/**
 * The eddsa-rdfc-2022 cryptosuite (@digitalbazaar/eddsa-rdfc-2022-cryptosuite) for `DataIntegrityProof`, same name and
 * algorithm, with two of its functions made cheap to repeat:
 * - `canonize`: JSON-LD expansion replayed per document shape (canonize.ts), else the suite's own function;
 * - `createVerifier`: the library's `Ed25519Multikey.from` of a verification method is kept (by the method's JSON) with
 *   the public key imported once, instead of importing it again for every signature checked.
 * A drop-in for the stock object wherever a suite takes `cryptosuite` (signing and verifying, ours and others').
 */

type Verifier = {
  id?: string;
  algorithm: string;
  verify(options: { data: Uint8Array; signature: Uint8Array }): Promise<boolean>;
};
export type Cryptosuite = {
  name: string;
  requiredAlgorithm: string;
  canonize: Canonize;
  createVerifier(options: { verificationMethod: Record<string, unknown> }): Promise<Verifier>;
};

export const DEFAULT_MAX_VERIFIERS = 64;

async function verifierFor(verificationMethod: Record<string, unknown>): Promise<Verifier> {
  // The library validates the method (type, multibase header, key length), decodes the key and makes its verifier
  // (throwing what it throws), exactly as the stock suite's createVerifier does.
  const key = (await Ed25519Multikey.from(verificationMethod as Ed25519Multikey.MultikeyJson)) as unknown as {
    publicKey: Uint8Array;
    verifier(): Verifier;
  };
  const stock = key.verifier();
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(key.publicKey).toString("base64url") },
      format: "jwk",
    });
  } catch {
    return stock;
  }
  // What the library's verify does on every call (ed25519.js: createPublicKey, then crypto.verify), importing once.
  return { ...stock, verify: async ({ data, signature }) => verify(null, data, publicKey, signature) };
}

export function createEddsaRdfc2022Cryptosuite(
  config: { maxShapes?: number; maxVerifiers?: number; observe?: (outcome: CanonizeOutcome) => void } = {},
): Cryptosuite {
  const maxVerifiers = config.maxVerifiers ?? DEFAULT_MAX_VERIFIERS;
  // Verifiers by the verification method's JSON text (immutable), at most maxVerifiers, least recently used dropped.
  const verifiers = new Map<string, Promise<Verifier>>();
  return {
    name: stockCryptosuite.name,
    requiredAlgorithm: stockCryptosuite.requiredAlgorithm,
    canonize: createCanonize({ maxShapes: config.maxShapes, observe: config.observe }),
    createVerifier: async ({ verificationMethod }) => {
      let key: string;
      try {
        key = JSON.stringify(verificationMethod);
      } catch {
        return verifierFor(verificationMethod);
      }
      const known = verifiers.get(key);
      if (known) {
        verifiers.delete(key);
        verifiers.set(key, known);
        return known;
      }
      const created = verifierFor(verificationMethod);
      created.catch(() => verifiers.delete(key)); // a refused method is refused again, by the library, next time
      verifiers.set(key, created);
      if (verifiers.size > maxVerifiers) {
        verifiers.delete(verifiers.keys().next().value as string);
      }
      return created;
    },
  };
}
