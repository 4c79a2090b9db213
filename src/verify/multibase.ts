/**
 * Ed25519 public keys in their two public spellings: Multikey `publicKeyMultibase` (`z` + base58btc of 0xed 0x01 +
 * 32 bytes, VC-DI-EDDSA §2.1.1) and the OKP JWK (RFC 8037). Only the 0xed01 prefix is accepted, as the suite requires.
 */

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const DIGIT = new Map([...ALPHABET].map((c, i) => [c, i]));
const ED25519_PREFIX = [0xed, 0x01];
/** A Multikey Ed25519 key is 34 bytes, 47 or 48 base58 characters; anything much longer is not a key. */
const MAX_MULTIBASE_LENGTH = 64;

export function base58Decode(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = DIGIT.get(char);
    if (carry === undefined) {
      return undefined;
    }
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] as number) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text[i] === "1"; i++) {
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

export function base58Encode(bytes: Uint8Array): string {
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += (digits[i] as number) << 8;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let zeros = "";
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) {
    zeros += "1";
  }
  return (
    zeros +
    digits
      .reverse()
      .map((d) => ALPHABET[d])
      .join("")
  );
}

/** The 32 raw key bytes of an Ed25519 `publicKeyMultibase`, or undefined when it is not one. */
export function ed25519FromMultibase(value: string): Uint8Array | undefined {
  if (value.length > MAX_MULTIBASE_LENGTH || !value.startsWith("z")) {
    return undefined;
  }
  const decoded = base58Decode(value.slice(1));
  if (decoded?.length !== 34 || decoded[0] !== ED25519_PREFIX[0] || decoded[1] !== ED25519_PREFIX[1]) {
    return undefined;
  }
  return decoded.subarray(2);
}

export function ed25519ToMultibase(raw: Uint8Array): string {
  return `z${base58Encode(Uint8Array.from([...ED25519_PREFIX, ...raw]))}`;
}

export type OkpJwk = { kty: "OKP"; crv: "Ed25519"; x: string };

export function ed25519ToJwk(raw: Uint8Array): OkpJwk {
  return { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") };
}

/** The raw key of an Ed25519 OKP JWK, or undefined when the JWK is something else. */
export function ed25519FromJwk(jwk: unknown): Uint8Array | undefined {
  const j = jwk as { kty?: unknown; crv?: unknown; x?: unknown };
  if (j?.kty !== "OKP" || j.crv !== "Ed25519" || typeof j.x !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(j.x)) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(j.x, "base64url"));
}
