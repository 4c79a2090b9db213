import { gzipSync } from "node:zlib";
import { Bitstring } from "@digitalbazaar/bitstring";
import { describe, expect, it } from "vitest";
import {
  bitAt,
  decodeEncodedList,
  encodeStatusList,
  STATUS_LIST_LENGTH,
  setBit,
} from "../../src/domain/status/bitstring.js";
import {
  buildStatusListCredential,
  credentialStatusValue,
  statusListEntry,
} from "../../src/domain/status/status-list-credential.js";

/** The bits of an encodedList that must decode. */
function decodeStatusList(encoded: string): Uint8Array {
  const decoded = decodeEncodedList(encoded);
  if (!decoded.ok) {
    throw new Error(decoded.reason);
  }
  return decoded.bits;
}

describe("Bitstring Status List encoding (BSL 1.0 §3.1)", () => {
  it("decodes the spec's example list to 16,384 zero bytes", () => {
    const bits = decodeStatusList("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
    expect(bits.length).toBe(16_384);
    expect(bits.every((b) => b === 0)).toBe(true);
  });

  it("encodes 131,072 entries as multibase base64url (u, no padding) of gzip, bit 0 = MSB of byte 0", () => {
    const encoded = encodeStatusList([0, 9, 131_071]);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    const bits = decodeStatusList(encoded);
    expect(bits.length).toBe(STATUS_LIST_LENGTH / 8);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(bits[16_383]).toBe(0x01);
    expect(bits.slice(2, 16_383).every((b) => b === 0)).toBe(true);
    expect([0, 9, 131_071].map((i) => bitAt(bits, i))).toEqual([true, true, true]);
    expect([1, 8, 10, 131_070].map((i) => bitAt(bits, i))).toEqual([false, false, false, false]);
  });

  it("agrees with @digitalbazaar/bitstring (the library verifiers use) on random positions", async () => {
    const positions = [3, 77, 4096, 65_535, 99_999, 131_000];
    const theirs = await Bitstring.decodeBits({ encoded: encodeStatusList(positions).slice(1) });
    const decoded = new Bitstring({ buffer: theirs });
    for (let i = 0; i < STATUS_LIST_LENGTH; i += 997) {
      expect(decoded.get(i)).toBe(positions.includes(i));
    }
    for (const p of positions) {
      expect(decoded.get(p)).toBe(true);
    }
  });

  it("refuses indexes outside the list", () => {
    const bits = new Uint8Array(2);
    expect(() => setBit(bits, 16)).toThrow(RangeError);
    expect(() => setBit(bits, -1)).toThrow(RangeError);
    expect(() => bitAt(bits, 1.5)).toThrow(RangeError);
    expect(() => encodeStatusList([STATUS_LIST_LENGTH])).toThrow(/outside the list/);
    expect(decodeEncodedList("H4sI")).toMatchObject({ ok: false, reason: expect.stringMatching(/multibase/) });
  });
});

describe("status entries and list credentials", () => {
  const publicUrl = "https://badges.test";

  it("builds a BitstringStatusListEntry with a string index and an id that is not the list URL", () => {
    const entry = statusListEntry(publicUrl, { listId: "3", index: 94_567, purpose: "revocation" });
    expect(entry).toEqual({
      id: "https://badges.test/status-lists/3#94567",
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: "94567",
      statusListCredential: "https://badges.test/status-lists/3",
    });
  });

  it("keeps one entry an object (OB 3.0: credentialStatus 0..1) and two an array", () => {
    const revocation = statusListEntry(publicUrl, { listId: "1", index: 5, purpose: "revocation" });
    const suspension = statusListEntry(publicUrl, { listId: "2", index: 8, purpose: "suspension" });
    expect(credentialStatusValue([revocation])).toBe(revocation);
    expect(credentialStatusValue([revocation, suspension])).toEqual([revocation, suspension]);
    expect(() => credentialStatusValue([])).toThrow();
  });

  it("builds the BitstringStatusListCredential of BSL 1.0 §2.2", () => {
    const credential = buildStatusListCredential({
      publicUrl,
      listId: "2",
      issuer: "did:web:badges.test",
      purpose: "suspension",
      encodedList: "uAAAA",
      validFrom: new Date("2026-03-02T09:30:00.250Z"),
    });
    expect(credential).toEqual({
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      id: "https://badges.test/status-lists/2",
      type: ["VerifiableCredential", "BitstringStatusListCredential"],
      issuer: "did:web:badges.test",
      validFrom: "2026-03-02T09:30:00Z",
      credentialSubject: {
        id: "https://badges.test/status-lists/2#list",
        type: "BitstringStatusList",
        statusPurpose: "suspension",
        encodedList: "uAAAA",
        ttl: 30_000,
      },
    });
  });
});

describe("bitstring status lists", () => {
  const list = (bytes: Buffer) => `u${gzipSync(bytes).toString("base64url")}`;

  it("reads bits MSB first and flags a list shorter than 131,072 entries", () => {
    const bits = Buffer.alloc(16_384);
    bits[1] = 0b1000_0001; // indexes 8 and 15
    const decoded = decodeEncodedList(list(bits));
    expect(decoded).toMatchObject({ ok: true, short: false });
    if (decoded.ok) {
      expect([7, 8, 9, 14, 15, 16].map((i) => bitAt(decoded.bits, i))).toEqual([
        false,
        true,
        false,
        false,
        true,
        false,
      ]);
    }
    expect(decodeEncodedList(list(Buffer.alloc(12_500)))).toMatchObject({ ok: true, short: true });
  });

  it("refuses what is not multibase base64url GZIP, and a list inflating past its cap", () => {
    expect(decodeEncodedList("H4sI")).toMatchObject({ ok: false });
    expect(decodeEncodedList("uAAAA")).toMatchObject({ ok: false });
    expect(decodeEncodedList(list(Buffer.alloc(17 * 1024 * 1024)))).toMatchObject({ ok: false });
  });
});
