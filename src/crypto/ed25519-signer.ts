import { createPrivateKey, sign } from "node:crypto";
import type { Signer } from "@digitalbazaar/ed25519-multikey";

/**
 * An Ed25519 signer for Data Integrity suites that imports the private key once.
 * (`@digitalbazaar/ed25519-multikey`'s own signer re-imports it from DER on every signature,
 * about 7 % of the cost of signing a credential.)
 * @param secretKey the 32-byte seed, or the 64-byte seed‖public form ed25519-multikey keeps
 */
export function createEd25519Signer(id: string, secretKey: Uint8Array, publicKey: Uint8Array): Signer {
  const key = createPrivateKey({
    key: {
      kty: "OKP",
      crv: "Ed25519",
      d: Buffer.from(secretKey.subarray(0, 32)).toString("base64url"),
      x: Buffer.from(publicKey).toString("base64url"),
    },
    format: "jwk",
  });
  return { id, algorithm: "Ed25519", sign: async ({ data }) => sign(null, data, key) };
}
