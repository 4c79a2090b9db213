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
  // The 128-bit value as eight 16-bit limbs, most significant first, divided by 58 in place once per digit: each step
  // stays below 2^22 (remainder < 58, times 2^16, plus a limb), exact in a double. (A BigInt division per digit cost a
  // credential page view as much as its template fill.)
  const hex = uuid.replaceAll("-", "");
  const limbs: number[] = [];
  for (let i = 0; i < 32; i += 4) {
    limbs.push(Number.parseInt(hex.slice(i, i + 4), 16));
  }
  let code = "";
  for (let d = 0; d < SHORT_CODE_LENGTH; d++) {
    let remainder = 0;
    for (let i = 0; i < limbs.length; i++) {
      const current = remainder * 0x10000 + (limbs[i] as number);
      limbs[i] = Math.floor(current / 58);
      remainder = current % 58;
    }
    code = ALPHABET[remainder] + code;
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
