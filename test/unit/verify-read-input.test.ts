import { describe, expect, it } from "vitest";
import { toShortCode } from "../../src/domain/short-id.js";
import { pngDimensions, readInput } from "../../src/verify/read-input.js";
import { tinyPng } from "../helpers/png.js";

describe("reading input", () => {
  const limits = { maxBytes: 1024 * 1024, maxPixels: 1_000_000 };
  it("reads PNG dimensions from IHDR", () => {
    expect(pngDimensions(tinyPng())).toEqual({ width: 1, height: 1 });
  });

  it("recognises the short shareable address of our credentials", () => {
    const id = "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b";
    const read = readInput(
      { kind: "text", text: `https://badges.test/c/${toShortCode(id)}` },
      limits,
      "https://badges.test",
    );
    expect(read).toMatchObject({ ok: true, kind: "ours", credentialId: id });
  });

  it("recognises our credential URLs and nothing else", () => {
    expect(
      readInput({ kind: "text", text: "https://badges.test/credentials/abc-123" }, limits, "https://badges.test"),
    ).toEqual({
      ok: true,
      kind: "ours",
      format: "url",
      credentialId: "abc-123",
    });
    expect(
      readInput({ kind: "text", text: "https://badges.test.evil/credentials/abc" }, limits, "https://badges.test"),
    ).toMatchObject({
      ok: false,
      code: "not-our-url",
    });
  });
});
