import { gunzipSync } from "node:zlib";

/** Bitstring Status List §3.1: a list shorter than this (16 KiB uncompressed) gives away too much about its holders. */
export const MIN_STATUS_LIST_ENTRIES = 131_072;
/** Lists are decompressed with this cap: a hostile list must not inflate into gigabytes. */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

/** `short`: fewer entries than the standard's minimum (a privacy failing of the issuer's list, see checkStatus). */
export type DecodedList = { ok: true; bits: Uint8Array; short: boolean } | { ok: false; reason: string };

/** Decodes `encodedList`: multibase base64url (`u` prefix, no padding) of a GZIP-compressed bitstring. */
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
  return { ok: true, bits: new Uint8Array(bits), short: bits.length * 8 < MIN_STATUS_LIST_ENTRIES };
}

/** The bit at `index`, the left-most bit of byte 0 being index 0 (BSL §3.2 step 9). */
export function bitAt(bits: Uint8Array, index: number): 0 | 1 {
  const byte = bits[Math.floor(index / 8)] as number;
  return ((byte >> (7 - (index % 8))) & 1) as 0 | 1;
}
