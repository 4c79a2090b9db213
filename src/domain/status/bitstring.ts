import { gunzipSync, gzipSync } from "node:zlib";

/**
 * BSL 1.0 §2.1: a status list has at least 131,072 entries (16 KiB uncompressed), so one entry hides among many. Our
 * lists have exactly this many; a shorter list of another issuer is flagged `short` when decoded.
 */
export const STATUS_LIST_LENGTH = 131_072;

/** Sets bit `index` (index 0 = the most significant bit of byte 0, BSL §3.1). */
export function setBit(bits: Uint8Array, index: number): void {
  const byte = index >> 3;
  if (!Number.isInteger(index) || index < 0 || byte >= bits.length) {
    throw new RangeError(`status index ${index} is outside the list (0-${bits.length * 8 - 1})`);
  }
  bits[byte] = (bits[byte] as number) | (0x80 >> (index & 7));
}

/** Whether bit `index` is set (index 0 = the most significant bit of byte 0, BSL §3.2); throws outside the list. */
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

/** Lists are decompressed with this cap: a hostile list must not inflate into gigabytes. */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

/** `short`: fewer entries than the standard's minimum (a privacy failing of the issuer's list). */
export type DecodedList = { ok: true; bits: Uint8Array; short: boolean } | { ok: false; reason: string };

/** Decodes any `encodedList` (ours or another issuer's), never throwing and never inflating past 16 MiB. */
export function decodeEncodedList(encoded: unknown): DecodedList {
  if (typeof encoded !== "string" || !/^u[A-Za-z0-9_-]+$/.test(encoded)) {
    return { ok: false, reason: "its encodedList is not multibase base64url" };
  }
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(encoded.slice(1), "base64url"), { maxOutputLength: MAX_DECODED_BYTES });
  } catch {
    return { ok: false, reason: "its encodedList does not decompress (or decompresses to more than 16 MiB)" };
  }
  return { ok: true, bits: new Uint8Array(bits), short: bits.length * 8 < STATUS_LIST_LENGTH };
}
