import { AppError } from "../../errors.js";

/**
 * The byte-level pass under both job file formats: one look at every byte, before any of it is decoded, to check
 * that the file is UTF-8 (naming the line of the first bad byte), to count lines (LF, CRLF or a lone CR each end one)
 * and to drop a UTF-8 byte order mark. The CSV and JSONL framers build on it.
 */

/** A file-level problem: the job is refused as a whole (nothing of it is stored). */
export type FileProblem =
  | "empty"
  | "missing-header"
  | "unknown-columns"
  | "missing-columns"
  | "duplicate-columns"
  | "wrong-delimiter"
  | "invalid-utf8"
  | "unclosed-quote"
  | "too-many-rows"
  | "not-jsonl";

export function fileError(
  problem: FileProblem,
  message: string,
  where: { line?: number; column?: string } = {},
  extra: Record<string, unknown> = {},
): AppError {
  const at = where.line === undefined ? "" : ` (line ${where.line}${where.column ? `, column ${where.column}` : ""})`;
  return new AppError("JOB_FILE_INVALID", `${message}${at}`, { problem, ...where, ...extra });
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Validates UTF-8 incrementally (the WHATWG decoder's rules: no overlongs, surrogates or code points past U+10FFFF)
 * and counts lines. `feed` is called once per byte by the framers, which keep their own state beside it.
 */
export class ByteScanner {
  /** The line the next byte is on (1-based). */
  line = 1;
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private afterCr = false;

  /** Checks one byte and counts it. */
  feed(b: number): void {
    if (this.need === 0) {
      if (b >= 0x80) {
        if (b >= 0xc2 && b <= 0xdf) {
          this.need = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
          this.need = 2;
          this.lower = b === 0xe0 ? 0xa0 : 0x80;
          this.upper = b === 0xed ? 0x9f : 0xbf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          this.need = 3;
          this.lower = b === 0xf0 ? 0x90 : 0x80;
          this.upper = b === 0xf4 ? 0x8f : 0xbf;
        } else {
          throw this.invalid();
        }
      } else if (b === 0x0a) {
        if (!this.afterCr) {
          this.line++;
        }
        this.afterCr = false;
        return;
      } else if (b === 0x0d) {
        this.line++;
        this.afterCr = true;
        return;
      }
    } else {
      if (b < this.lower || b > this.upper) {
        throw this.invalid();
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      this.need--;
    }
    this.afterCr = false;
  }

  /** At the end of the file: a character cut short is invalid too. */
  end(): void {
    if (this.need > 0) {
      throw this.invalid();
    }
  }

  private invalid(): AppError {
    return fileError("invalid-utf8", "the file is not valid UTF-8: save it as UTF-8 (in a spreadsheet: CSV UTF-8)", {
      line: this.line,
    });
  }
}

/**
 * The file's bytes without its UTF-8 byte order mark (if it has one), from a Node stream or any async iterable of
 * bytes (a string chunk, as some streams give, is UTF-8 encoded). A UTF-16 file (its mark) is refused by name.
 */
export async function* bytesOf(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let head: Uint8Array | null = new Uint8Array(0);
  for await (const piece of source) {
    const chunk = typeof piece === "string" ? encoder.encode(piece) : piece;
    if (head === null) {
      yield chunk;
      continue;
    }
    head = concat(head, chunk);
    if (head.length >= BOM.length) {
      const rest = startOf(head);
      head = null;
      yield rest;
    }
  }
  if (head !== null && head.length > 0) {
    yield startOf(head);
  }
}

function startOf(head: Uint8Array): Uint8Array {
  if (BOM.every((b, i) => head[i] === b)) {
    return head.subarray(BOM.length);
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw fileError("invalid-utf8", "the file is UTF-16, not UTF-8: save it as UTF-8 (in a spreadsheet: CSV UTF-8)", {
      line: 1,
    });
  }
  return head;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) {
    return b;
  }
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
