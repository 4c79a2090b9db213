import { ECDH } from "node:crypto";
import type { JWK } from "jose";
import { base58Decode, base58Encode } from "./multibase.js";

/**
 * P-256 public keys as Multikey `publicKeyMultibase` (VC-DI-ECDSA §2.1.1): `z` + base58btc of the p256-pub multicodec
 * varint (0x80 0x24) and the 33-byte compressed point, as did:key writes them (`zDn…`). The point is decompressed
 * (and so checked to be on the curve) by node:crypto.
 */

const P256_PREFIX = [0x80, 0x24];
/** A compressed P-256 Multikey is 35 bytes, 49 or 50 base58 characters. */
const MAX_MULTIBASE_LENGTH = 64;

/** The public JWK of a P-256 `publicKeyMultibase`, or undefined when it is not one (or not a point on the curve). */
export function p256FromMultibase(value: string): JWK | undefined {
  if (value.length > MAX_MULTIBASE_LENGTH || !value.startsWith("z")) {
    return undefined;
  }
  const decoded = base58Decode(value.slice(1));
  if (decoded?.length !== 35 || decoded[0] !== P256_PREFIX[0] || decoded[1] !== P256_PREFIX[1]) {
    return undefined;
  }
  let point: Buffer;
  try {
    point = ECDH.convertKey(decoded.subarray(2), "prime256v1", undefined, undefined, "uncompressed") as Buffer;
  } catch {
    return undefined;
  }
  const x = point.subarray(1, 33).toString("base64url");
  const y = point.subarray(33, 65).toString("base64url");
  return { kty: "EC", crv: "P-256", x, y };
}

/** The `publicKeyMultibase` of a P-256 public JWK, or undefined when the JWK is something else. */
export function p256ToMultibase(jwk: JWK): string | undefined {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    return undefined;
  }
  const x = Buffer.from(jwk.x, "base64url");
  const y = Buffer.from(jwk.y, "base64url");
  if (x.length !== 32 || y.length !== 32) {
    return undefined;
  }
  const compressed = Uint8Array.from([...P256_PREFIX, 2 + ((y[31] as number) & 1), ...x]);
  return `z${base58Encode(compressed)}`;
}
