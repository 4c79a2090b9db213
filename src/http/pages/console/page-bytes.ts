/**
 * A console list page as UTF-8, from its parts (the layout's edges, the content around the rows, each row's markup),
 * each part written into one buffer as it is. Built as one string, a page of fifty rows was a rope of a few thousand
 * small strings that was flattened into one 18 KB string and then encoded on every view (for the credentials list,
 * two thirds of what its markup cost: measured 44 µs for string and bytes, 31 µs written by parts); each part here is
 * a small rope, flattened and encoded straight into the buffer. The bytes are those of `Buffer.from(parts.join(""))`
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
