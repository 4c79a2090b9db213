import { crc32, deflateSync } from "node:zlib";
import { expect } from "vitest";
import { BakingError, type BakingErrorCode } from "../../src/baking/baking-error.js";

/** Test helpers that build and inspect PNGs by hand, independently of the code under test. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: length, type, data, CRC32 over type and data. */
export function pngChunk(type: string, data: Uint8Array | string): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), Buffer.from(data)]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(body.length - 4, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A valid 1×1 RGB PNG; `extra` chunks go between IDAT and IEND. */
export function tinyPng(extra: Buffer[] = []): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filter, no interlace
  const idat = deflateSync(Buffer.from([0, 0x1e, 0x90, 0xff])); // filter byte + one pixel
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", idat), ...extra, pngChunk("IEND", "")]);
}

export type ListedChunk = { type: string; data: Buffer; raw: Buffer };

/** Lists the chunks of a valid PNG. */
export function listChunks(png: Buffer): ListedChunk[] {
  const chunks: ListedChunk[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const raw = png.subarray(offset, offset + 12 + length);
    chunks.push({ type: raw.toString("latin1", 4, 8), data: raw.subarray(8, 8 + length), raw });
    offset += 12 + length;
  }
  return chunks;
}

/** An iTXt chunk with empty language and translated keyword; flag 1 marks it compressed. */
export function itxt(keyword: string, text: string, flag = 0): Buffer {
  return pngChunk(
    "iTXt",
    Buffer.concat([Buffer.from(`${keyword}\0`), Buffer.from([flag, 0, 0, 0]), Buffer.from(text)]),
  );
}

/** The BakingError code a call throws ("no error" if it returns); any other error fails the test. */
export function bakingCodeOf(fn: () => unknown): BakingErrorCode | "no error" {
  try {
    fn();
    return "no error";
  } catch (error) {
    expect(error).toBeInstanceOf(BakingError);
    return (error as BakingError).code;
  }
}
