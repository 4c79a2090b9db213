/**
 * A console list page as UTF-8, from its parts (the layout's head with the markup before the rows, the rows joined into
 * one string, the markup after them with the layout's tail), each part written into one buffer as it is. Built as one
 * string, a page of fifty rows was one rope of a few thousand small strings, flattened into one 18 KB string and then
 * encoded on every view (for the credentials list, measured in one process: 52.6 µs for its string and bytes, 40.9 µs
 * written by parts). The bytes are those of `Buffer.from(parts.join(""))`
 * (test/unit/console-page-bytes.test.ts): every part ends and begins with markup (ASCII), so no surrogate pair is
 * split between two parts, and a lone surrogate is written as U+FFFD either way.
 */

/** Written into first, then copied out at the page's exact size (the page is sent from the copy). */
let scratch = Buffer.allocUnsafeSlow(1 << 16);
/** A page larger than this (at 3 bytes per UTF-16 unit) gets a buffer of its own, not kept as the scratch. */
const SCRATCH_KEPT = 1 << 20;

/** The UTF-8 bytes of the parts one after the other. */
export function pageBytes(parts: readonly string[]): Uint8Array<ArrayBuffer> {
  let units = 0;
  for (const part of parts) {
    units += part.length;
  }
  // a UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them, 4)
  const bound = units * 3;
  let buffer = scratch;
  if (bound > buffer.length) {
    buffer = Buffer.allocUnsafeSlow(bound);
    if (bound <= SCRATCH_KEPT) {
      scratch = buffer;
    }
  }
  let at = 0;
  for (const part of parts) {
    at += buffer.write(part, at);
  }
  const page = Buffer.allocUnsafeSlow(at);
  buffer.copy(page, 0, 0, at);
  return new Uint8Array(page.buffer as ArrayBuffer, page.byteOffset, at);
}
