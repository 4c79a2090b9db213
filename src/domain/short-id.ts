/**
 * Short shareable codes for credential UUIDs: the UUID's 16 bytes in base58 (the Bitcoin alphabet, which leaves
 * out 0, O, I and l so a code read aloud or retyped survives), always 22 characters. The code is the UUID itself
 * written compactly, so turning it back needs no database column.
 */

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BASE = 58n;
/** 58^22 > 2^128 > 58^21: every 128-bit value fits in 22 digits. */
export const SHORT_CODE_LENGTH = 22;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGIT = new Map([...ALPHABET].map((ch, i) => [ch, BigInt(i)]));
const MAX = (1n << 128n) - 1n;

/** The 22-character base58 code of a UUID (any case); throws on anything that is not a UUID. */
export function toShortCode(uuid: string): string {
  if (!UUID.test(uuid)) {
    throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  }
  let value = BigInt(`0x${uuid.replaceAll("-", "")}`);
  let code = "";
  for (let i = 0; i < SHORT_CODE_LENGTH; i++) {
    code = ALPHABET[Number(value % BASE)] + code;
    value /= BASE;
  }
  return code;
}

/**
 * The lower-case UUID a code stands for, or undefined when it is not a code this function could have made
 * (wrong length, a character outside the alphabet, or a value beyond 128 bits), so each UUID has exactly one code.
 */
export function fromShortCode(code: string): string | undefined {
  if (code.length !== SHORT_CODE_LENGTH) {
    return undefined;
  }
  let value = 0n;
  for (const ch of code) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) {
      return undefined;
    }
    value = value * BASE + digit;
  }
  if (value > MAX) {
    return undefined;
  }
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
