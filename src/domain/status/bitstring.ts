import { gunzipSync, gzipSync } from "node:zlib";

/** BSL 1.0 §2.1: a status list has at least 131,072 entries (16 KiB uncompressed), so one entry hides among many. */
export const STATUS_LIST_LENGTH = 131_072;

/** Sets bit `index` (index 0 = the most significant bit of byte 0, BSL §3.1). */
export function setBit(bits: Uint8Array, index: number): void {
  const byte = index >> 3;
  if (!Number.isInteger(index) || index < 0 || byte >= bits.length) {
    throw new RangeError(`status index ${index} is outside the list (0-${bits.length * 8 - 1})`);
  }
  bits[byte] = (bits[byte] as number) | (0x80 >> (index & 7));
}

export function bitAt(bits: Uint8Array, index: number): boolean {
  const byte = index >> 3;
  if (!Number.isInteger(index) || index < 0 || byte >= bits.length) {
    throw new RangeError(`status index ${index} is outside the list (0-${bits.length * 8 - 1})`);
  }
  return ((bits[byte] as number) & (0x80 >> (index & 7))) !== 0;
}

/** `encodedList`: Multibase base64url (prefix `u`, no padding) of the GZIP-compressed bitstring. */
export function encodeStatusList(setIndexes: Iterable<number>, length = STATUS_LIST_LENGTH): string {
  const bits = new Uint8Array(Math.ceil(length / 8));
  for (const index of setIndexes) {
    setBit(bits, index);
  }
  return `u${gzipSync(bits).toString("base64url")}`;
}

/** The uncompressed bitstring of an `encodedList`. */
export function decodeStatusList(encodedList: string): Uint8Array {
  if (!encodedList.startsWith("u")) {
    throw new Error('encodedList must be Multibase base64url (start with "u")');
  }
  return new Uint8Array(gunzipSync(Buffer.from(encodedList.slice(1), "base64url")));
}
