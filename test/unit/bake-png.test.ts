import { crc32, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bakePng, extractFromPng, OB3_PNG_KEYWORD } from "../../src/baking/png.js";
import {
  pngChunk as chunk,
  bakingCodeOf as codeOf,
  itxt,
  type ListedChunk,
  listChunks,
  PNG_SIGNATURE as SIGNATURE,
  tinyPng,
} from "../helpers/png.js";

const isCredentialChunk = (c: ListedChunk) =>
  c.type === "iTXt" && c.data.toString("latin1").startsWith("openbadgecredential\0");

const JSON_PAYLOAD = JSON.stringify({
  id: "urn:uuid:1",
  type: ["VerifiableCredential", "OpenBadgeCredential"],
  name: "Café 中文 🎖️ مرحبا שלום",
});
const JWS_PAYLOAD = "eyJhbGciOiJFZERTQSJ9.eyJuYW1lIjoiw6kifQ.c2lnbmF0dXJl";

describe("bakePng / extractFromPng round trips", () => {
  it.each([
    ["JSON with non-ASCII text", JSON_PAYLOAD, "json"],
    ["a compact JWS", JWS_PAYLOAD, "jws"],
  ])("gives back %s exactly", (_label, payload, kind) => {
    const baked = bakePng(tinyPng(), payload);
    expect(extractFromPng(baked)).toEqual({ standard: "ob3", kind, text: payload, container: "png" });
  });

  it("accepts a Uint8Array view into a larger buffer", () => {
    const png = tinyPng();
    const backing = new Uint8Array(png.length + 10);
    backing.set(png, 5);
    const baked = bakePng(backing.subarray(5, 5 + png.length), JWS_PAYLOAD);
    expect(extractFromPng(new Uint8Array(baked)).text).toBe(JWS_PAYLOAD);
  });
});

describe("baked PNG byte layout (OB 3.0 docformat #png-baking)", () => {
  const input = tinyPng([chunk("tEXt", "Comment\0hello"), itxt("Title", "Ünïcode")]);
  const baked = bakePng(input, JSON_PAYLOAD);
  const chunks = listChunks(baked);

  it("holds exactly one uncompressed iTXt openbadgecredential chunk, just before IEND", () => {
    const credentials = chunks.filter(isCredentialChunk);
    expect(credentials).toHaveLength(1);
    expect(chunks.at(-1)?.type).toBe("IEND");
    expect(chunks.at(-2)).toBe(credentials[0]);
    const data = credentials[0]!.data;
    const header = Buffer.concat([Buffer.from(`${OB3_PNG_KEYWORD}\0`, "latin1"), Buffer.from([0, 0, 0, 0])]);
    expect(data.subarray(0, header.length)).toEqual(header); // keyword NUL, flag 0, method 0, "" NUL, "" NUL
    expect(data.subarray(header.length).toString("utf8")).toBe(JSON_PAYLOAD);
    const raw = credentials[0]!.raw;
    expect(raw.readUInt32BE(raw.length - 4)).toBe(crc32(raw.subarray(4, raw.length - 4)));
  });

  it("keeps every other chunk byte-identical and in order", () => {
    const others = chunks.filter((c) => !isCredentialChunk(c)).map((c) => c.raw);
    expect(others).toEqual(listChunks(input).map((c) => c.raw));
    expect(baked.subarray(0, 8)).toEqual(SIGNATURE);
  });

  it("re-baking leaves one chunk with the new payload, as if baked once", () => {
    const twice = bakePng(baked, JWS_PAYLOAD);
    expect(listChunks(twice).filter(isCredentialChunk)).toHaveLength(1);
    expect(extractFromPng(twice).text).toBe(JWS_PAYLOAD);
    expect(twice).toEqual(bakePng(input, JWS_PAYLOAD));
  });

  it("removes a credential chunk baked elsewhere (e.g. before IDAT) by another tool", () => {
    const parts = listChunks(tinyPng()).map((c) => c.raw);
    const foreign = Buffer.concat([SIGNATURE, parts[0]!, itxt(OB3_PNG_KEYWORD, "{}"), ...parts.slice(1)]);
    const rebaked = listChunks(bakePng(foreign, JWS_PAYLOAD));
    expect(rebaked.map((c) => c.type)).toEqual(["IHDR", "IDAT", "iTXt", "IEND"]);
  });

  it("rejects a payload that is neither JSON nor a compact JWS", () => {
    expect(codeOf(() => bakePng(tinyPng(), "hello"))).toBe("MALFORMED");
    expect(codeOf(() => bakePng(tinyPng(), "{not json"))).toBe("MALFORMED");
    expect(codeOf(() => bakePng(tinyPng(), '{"a":"\uD800"}'))).toBe("MALFORMED");
    expect(codeOf(() => bakePng(tinyPng(), JSON_PAYLOAD, { maxChunkBytes: 50 }))).toBe("TOO_LARGE");
  });
});

describe("OB 2.0 baked PNGs", () => {
  it("reads an iTXt assertion, a tEXt hosted URL and a signed assertion", () => {
    expect(extractFromPng(tinyPng([itxt("openbadges", '{"type":"Assertion"}')]))).toMatchObject({
      standard: "ob2",
      kind: "json",
    });
    const hosted = tinyPng([chunk("tEXt", "openbadges\0https://example.org/assertions/1")]);
    expect(extractFromPng(hosted)).toEqual({
      standard: "ob2",
      kind: "url",
      text: "https://example.org/assertions/1",
      container: "png",
    });
    expect(extractFromPng(tinyPng([itxt("openbadges", JWS_PAYLOAD)])).kind).toBe("jws");
  });

  it("prefers the OB 3.0 credential when both are present, without decoding the OB 2.0 one", () => {
    const both = bakePng(tinyPng([itxt("openbadges", '{"type":"Assertion"}')]), JSON_PAYLOAD);
    expect(extractFromPng(both)).toMatchObject({ standard: "ob3", text: JSON_PAYLOAD });
    const brokenOb2 = tinyPng([chunk("iTXt", "openbadges\0\x10"), chunk("zTXt", "openbadges\0\0x")]);
    expect(codeOf(() => extractFromPng(brokenOb2))).toBe("MALFORMED");
    expect(extractFromPng(bakePng(brokenOb2, JWS_PAYLOAD)).text).toBe(JWS_PAYLOAD);
  });
});

describe("extractFromPng errors", () => {
  const baked = bakePng(tinyPng(), JSON_PAYLOAD);

  it("reports TRUNCATED for every cut of a baked PNG", () => {
    for (let length = 1; length < baked.length; length++) {
      expect([length, codeOf(() => extractFromPng(baked.subarray(0, length)))]).toEqual([length, "TRUNCATED"]);
    }
  });

  it("reports BAD_CRC for a flipped CRC or data byte", () => {
    for (const { raw } of listChunks(baked)) {
      const offset = raw.byteOffset - baked.byteOffset;
      for (const at of [offset + raw.length - 1, offset + 4]) {
        const corrupt = Buffer.from(baked);
        corrupt[at]! ^= at === offset + 4 ? 0x20 : 0x01; // flip case of the type letter, or a CRC bit
        expect(codeOf(() => extractFromPng(corrupt))).toBe("BAD_CRC");
      }
    }
  });

  it("reports TRUNCATED for a chunk length larger than the file and MALFORMED beyond 2^31-1", () => {
    const corrupt = Buffer.from(baked);
    corrupt.writeUInt32BE(baked.length, 8 + 25); // the IDAT length field
    expect(codeOf(() => extractFromPng(corrupt))).toBe("TRUNCATED");
    corrupt.writeUInt32BE(0xffffffff, 8 + 25);
    expect(codeOf(() => extractFromPng(corrupt))).toBe("MALFORMED");
  });

  it("reports TOO_LARGE for a chunk over the cap and a file over the cap", () => {
    const big = tinyPng([chunk("tEXt", Buffer.alloc(5 * 1024 * 1024 + 1, 0x61))]);
    expect(codeOf(() => extractFromPng(big))).toBe("TOO_LARGE");
    expect(codeOf(() => extractFromPng(baked, { maxChunkBytes: 100 }))).toBe("TOO_LARGE");
    expect(codeOf(() => extractFromPng(baked, { maxBytes: baked.length - 1 }))).toBe("TOO_LARGE");
  });

  it("reports DUPLICATE_CREDENTIAL for two credential chunks", () => {
    const two = tinyPng([itxt(OB3_PNG_KEYWORD, JSON_PAYLOAD), itxt(OB3_PNG_KEYWORD, JWS_PAYLOAD)]);
    expect(codeOf(() => extractFromPng(two))).toBe("DUPLICATE_CREDENTIAL");
  });

  it("reports NOT_AN_IMAGE for JPEG, GIF, text and empty input", () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00\x80\x00\x00", "latin1");
    for (const input of [jpeg, gif, Buffer.from("hello, world"), Buffer.alloc(0)]) {
      expect(codeOf(() => extractFromPng(input))).toBe("NOT_AN_IMAGE");
      expect(codeOf(() => bakePng(input, JWS_PAYLOAD))).toBe("NOT_AN_IMAGE");
    }
  });

  it("reports MALFORMED for a compressed credential, bad UTF-8, a bad iTXt or a missing IHDR", () => {
    expect(codeOf(() => extractFromPng(tinyPng([itxt(OB3_PNG_KEYWORD, "x\x9c", 1)])))).toBe("MALFORMED");
    const ztxt = chunk("zTXt", Buffer.concat([Buffer.from("openbadges\0\0"), deflateSync("{}")]));
    expect(codeOf(() => extractFromPng(tinyPng([ztxt])))).toBe("MALFORMED");
    const badUtf8 = chunk("iTXt", Buffer.concat([Buffer.from(`${OB3_PNG_KEYWORD}\0\0\0\0\0{`), Buffer.from([0xc3])]));
    expect(codeOf(() => extractFromPng(tinyPng([badUtf8])))).toBe("MALFORMED");
    expect(codeOf(() => extractFromPng(tinyPng([chunk("iTXt", `${OB3_PNG_KEYWORD}\0\0\0`)])))).toBe("MALFORMED");
    expect(codeOf(() => extractFromPng(tinyPng([itxt(OB3_PNG_KEYWORD, "not a jws")])))).toBe("MALFORMED");
    const noIhdr = Buffer.concat([SIGNATURE, chunk("IEND", "")]);
    expect(codeOf(() => extractFromPng(noIhdr))).toBe("MALFORMED");
  });

  it("reports NO_CREDENTIAL for a plain PNG", () => {
    expect(codeOf(() => extractFromPng(tinyPng([chunk("tEXt", "Comment\0hi")])))).toBe("NO_CREDENTIAL");
  });
});
