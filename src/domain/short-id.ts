/**
 * Short shareable codes for credential UUIDs: the UUID's 16 bytes in base58 (the Bitcoin alphabet, which leaves
 * out 0, O, I and l so a code read aloud or retyped survives), always 22 characters. The code is the UUID itself
 * written compactly, so turning it back needs no database column.
 */

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BASE = 58n;
const ALPHABET_CODES = [...ALPHABET].map((ch) => ch.charCodeAt(0));
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
  // The 128-bit value as four 32-bit limbs, most significant first, divided by 58 in place once per digit: each step
  // stays below 2^38 (remainder < 58, times 2^32, plus a limb), exact in a double, and so is the quotient's floor (a
  // true quotient is an integer or at least 1/58 below the next one). (A BigInt division per digit cost a credential
  // page view as much as its template fill; sixteen-bit limbs, twice the divisions.)
  // (8-4-4-4-12 hex digits: the limbs are 8, 4+4, 4+4 and the last 8)
  const limbs = [
    Number.parseInt(uuid.slice(0, 8), 16),
    Number.parseInt(uuid.slice(9, 13), 16) * 0x10000 + Number.parseInt(uuid.slice(14, 18), 16),
    Number.parseInt(uuid.slice(19, 23), 16) * 0x10000 + Number.parseInt(uuid.slice(24, 28), 16),
    Number.parseInt(uuid.slice(28, 36), 16),
  ];
  const digits: number[] = new Array(SHORT_CODE_LENGTH);
  for (let d = SHORT_CODE_LENGTH - 1; d >= 0; d--) {
    let remainder = 0;
    for (let i = 0; i < 4; i++) {
      const current = remainder * 0x1_0000_0000 + (limbs[i] as number);
      const quotient = Math.floor(current / 58);
      limbs[i] = quotient;
      remainder = current - quotient * 58;
    }
    digits[d] = ALPHABET_CODES[remainder] as number;
  }
  return String.fromCharCode(...digits);
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
