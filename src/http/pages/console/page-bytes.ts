/**
 * A console list page as UTF-8, written into one buffer a piece at a time (writePage): the layout's head and the
 * markup before the rows as text, each row's values as text between its markup encoded once, then the markup after
 * them. Built as one string, a page of fifty rows was one rope of a few thousand small strings, flattened into one
 * 18 KB string and then encoded on every view (for the credentials list, measured in one process: 52.6 µs for its
 * string and bytes, 40.9 µs written as three parts, the rows joined into one string); written piece by piece, a list
 * view allocates no string per row (heap allocated per credentials list view: 138 KB with its rows joined, 101 KB
 * written piece by piece; bench/profile-console-alloc.ts). The bytes are those of the pieces' text joined and encoded
 * (test/unit/console-page-bytes.test.ts): every piece ends and begins with markup (ASCII) or is a whole text, so no
 * surrogate pair is split between two pieces, and a lone surrogate is written as U+FFFD either way.
 */

import { utf8Write } from "../utf8-write.js";

/**
 * Written into first, then copied out at the page's exact size (the page is sent from the copy); null while a page is
 * being written into it (a page written inside another's writing gets a buffer of its own).
 */
let scratch: Buffer | null = Buffer.allocUnsafeSlow(1 << 16);
/** A page larger than this (at 3 bytes per UTF-16 unit) gets a buffer of its own, not kept as the scratch. */
const SCRATCH_KEPT = 1 << 20;

/** The UTF-8 bytes of the parts one after the other (each part a piece: see PageWriter). */
export function pageBytes(parts: readonly string[]): Uint8Array<ArrayBuffer> {
  return writePage((page) => {
    for (const part of parts) {
      page.text(part);
    }
  });
}

/**
 * Where a page is written (writePage): text as UTF-8, or markup encoded once (`encoded`). Each piece ends and begins
 * with markup or is whole text (never half of a surrogate pair), so the page's bytes are those of its pieces' text
 * joined and encoded (a lone surrogate as U+FFFD either way).
 */
export type PageWriter = {
  /** `text` as UTF-8. */
  text(text: string): void;
  /** Bytes encoded once (markup that does not change between pages: `encoded`). */
  bytes(bytes: Uint8Array): void;
};

/**
 * A page's buffer and how much of it is written (a class, not closures made per page: tsx names every closure it
 * makes, a property defined on each).
 */
class BufferWriter implements PageWriter {
  constructor(
    public buffer: Buffer,
    public at = 0,
  ) {}

  text(text: string): void {
    // a UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them, 4): utf8Write would cut the text short
    this.room(text.length * 3);
    this.at += utf8Write(this.buffer, text, this.at);
  }

  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** Room for `bytes` more bytes: a larger buffer, the bytes so far copied into it, when there is not. */
  room(bytes: number): void {
    if (this.at + bytes > this.buffer.length) {
      const larger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + bytes));
      this.buffer.copy(larger, 0, 0, this.at);
      this.buffer = larger;
    }
  }
}

/**
 * A page written piece by piece into one buffer (the scratch, grown as needed) and copied out at its size: a list's
 * rows written as their values and markup go, with no string made for each row, nor one joining them, nor its copy
 * flattened to be encoded (for a list of fifty rows, about a fifth of what a view allocates). `write` runs at once and
 * whole (no await: the scratch is the next page's when it returns).
 */
export function writePage(write: (page: PageWriter) => void): Uint8Array<ArrayBuffer> {
  const taken = scratch;
  scratch = null;
  const page = new BufferWriter(taken ?? Buffer.allocUnsafeSlow(1 << 12));
  try {
    write(page);
  } finally {
    // the scratch back (the larger one it grew into, up to SCRATCH_KEPT), if this page had taken it
    if (taken !== null) {
      scratch = page.buffer.length <= SCRATCH_KEPT ? page.buffer : taken;
    }
  }
  const copy = Buffer.allocUnsafeSlow(page.at);
  page.buffer.copy(copy, 0, 0, page.at);
  return new Uint8Array(copy.buffer as ArrayBuffer, copy.byteOffset, page.at);
}

/** Markup's UTF-8, encoded once (for PageWriter.bytes). */
export function encoded(markup: string): Uint8Array {
  const bytes = Buffer.from(markup, "utf8");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
