import { crc32 } from "node:zlib";
import { BakingError } from "./baking-error.js";

/** Size caps applied to a PNG before and while its chunks are read. */
export type PngLimits = { maxBytes: number; maxChunkBytes: number };

/** 20 MiB per image, 5 MiB per chunk. */
export const DEFAULT_PNG_LIMITS: PngLimits = { maxBytes: 20 * 1024 * 1024, maxChunkBytes: 5 * 1024 * 1024 };

/** The eight bytes every PNG starts with (PNG §5.2). */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: `start` is the offset of its length field, `end` the offset after its CRC. */
export type PngChunk = { type: string; start: number; end: number; data: Buffer };

/** A PNG split into its chunks, IHDR first and IEND last; `trailer` is whatever followed IEND. */
export type PngChunks = { bytes: Buffer; chunks: PngChunk[]; trailer: Buffer };

/** A text chunk's keyword and payload bytes, for the keywords a caller asked about. */
export type PngTextChunk = { keyword: string; compressed: boolean; text: Buffer };

const MAX_CHUNK_LENGTH = 0x7fffffff; // PNG §5.3: lengths are limited to 2^31 - 1
const CHUNK_TYPE = /^[A-Za-z]{4}$/;
const MAX_KEYWORD_BYTES = 79;

/** Splits a PNG into chunks, checking the signature, every length against the bytes left and the caps, and every CRC. */
export function readPngChunks(png: Uint8Array, limits: PngLimits): PngChunks {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length > limits.maxBytes) {
    throw new BakingError("TOO_LARGE", `The PNG is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  }
  checkSignature(bytes);
  const chunks: PngChunk[] = [];
  let offset = PNG_SIGNATURE.length;
  for (;;) {
    const chunk = readChunk(bytes, offset, limits);
    if (chunks.length === 0 && (chunk.type !== "IHDR" || chunk.data.length !== 13)) {
      throw new BakingError("MALFORMED", "The PNG does not start with a 13-byte IHDR chunk");
    }
    chunks.push(chunk);
    offset = chunk.end;
    if (chunk.type === "IEND") {
      return { bytes, chunks, trailer: bytes.subarray(offset) };
    }
  }
}

function checkSignature(bytes: Buffer): void {
  if (bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    return;
  }
  if (
    bytes.length > 0 &&
    bytes.length < PNG_SIGNATURE.length &&
    PNG_SIGNATURE.subarray(0, bytes.length).equals(bytes)
  ) {
    throw new BakingError("TRUNCATED", "The PNG ends inside its signature");
  }
  throw new BakingError("NOT_AN_IMAGE", "Not a PNG (wrong signature)");
}

function readChunk(bytes: Buffer, offset: number, limits: PngLimits): PngChunk {
  if (bytes.length - offset < 12) {
    throw new BakingError("TRUNCATED", `The PNG ends at byte ${bytes.length}, before its IEND chunk`);
  }
  const length = bytes.readUInt32BE(offset);
  const type = bytes.toString("latin1", offset + 4, offset + 8);
  if (!CHUNK_TYPE.test(type) || length > MAX_CHUNK_LENGTH) {
    throw new BakingError("MALFORMED", `Invalid chunk header at byte ${offset}`);
  }
  if (length > bytes.length - offset - 12) {
    throw new BakingError("TRUNCATED", `Chunk ${type} at byte ${offset} claims ${length} bytes; the file ends first`);
  }
  if (length > limits.maxChunkBytes) {
    throw new BakingError("TOO_LARGE", `Chunk ${type} is ${length} bytes; the limit is ${limits.maxChunkBytes}`);
  }
  const dataEnd = offset + 8 + length;
  if (bytes.readUInt32BE(dataEnd) !== crc32(bytes.subarray(offset + 4, dataEnd))) {
    throw new BakingError("BAD_CRC", `Chunk ${type} at byte ${offset} has a wrong CRC`);
  }
  return { type, start: offset, end: dataEnd + 4, data: bytes.subarray(offset + 8, dataEnd) };
}

/** The keyword of a tEXt, zTXt or iTXt chunk (Latin-1, before the first NUL), or undefined for other chunks. */
export function textChunkKeyword(chunk: PngChunk): string | undefined {
  if (chunk.type !== "tEXt" && chunk.type !== "zTXt" && chunk.type !== "iTXt") {
    return undefined;
  }
  const nul = chunk.data.subarray(0, MAX_KEYWORD_BYTES + 1).indexOf(0);
  return nul < 1 ? undefined : chunk.data.toString("latin1", 0, nul);
}

/** Parses a text chunk whose keyword is known (PNG §11.3.4): tEXt, zTXt or iTXt layout, text left undecoded. */
export function readTextChunk(chunk: PngChunk, keyword: string): PngTextChunk {
  const data = chunk.data;
  const afterKeyword = keyword.length + 1;
  if (chunk.type === "tEXt") {
    return { keyword, compressed: false, text: data.subarray(afterKeyword) };
  }
  if (chunk.type === "zTXt") {
    return { keyword, compressed: true, text: data.subarray(afterKeyword + 1) };
  }
  const flag = data[afterKeyword];
  const languageEnd = data.indexOf(0, afterKeyword + 2);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if ((flag !== 0 && flag !== 1) || data.length < afterKeyword + 2 || translatedEnd < 0) {
    throw new BakingError("MALFORMED", `The iTXt chunk "${keyword}" is malformed`);
  }
  return { keyword, compressed: flag === 1, text: data.subarray(translatedEnd + 1) };
}

/** Encodes one chunk: length, type, data, CRC over type and data. */
export function encodePngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
