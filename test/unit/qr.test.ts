import { mkdirSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import QRCode from "qrcode";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { QR_QUIET_ZONE, qrPng, qrSvg } from "../../src/baking/qr.js";
import { svgToPng } from "../../src/baking/rasterize.js";
import { decodeQr, zbarAvailable } from "../helpers/zbar.js";

const VERIFY_URL = "https://badges.example.org/credentials/0b5f3c9e-1d2a-4c1b-9a77-3f8e2d1c4b5a?lang=en&x=1";

/** The reference symbol: what qrcode itself encodes for the VERIFY_URL at error correction level M. */
function reference(url: string) {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: "M" });
  return { size: modules.size, dark: (r: number, c: number) => modules.get(r, c) === 1 };
}

/** Modules drawn by the SVG path (`M x y h n v1 h-n z` per run), as "row,col" keys without the quiet zone. */
function drawnModules(svg: string): Set<string> {
  const drawn = new Set<string>();
  const d = /<path[^>]* d="([^"]*)"/.exec(svg)?.[1] ?? "";
  for (const [, x, y, n] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(n); i++) {
      drawn.add(`${Number(y) - QR_QUIET_ZONE},${Number(x) + i - QR_QUIET_ZONE}`);
    }
  }
  return drawn;
}

/** Samples the centre of every module of a rendered PNG: true where it is dark. */
async function sampleModules(png: Buffer, size: number) {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const full = size + 2 * QR_QUIET_ZONE;
  const scale = info.width / full;
  return (r: number, c: number) => {
    const x = Math.floor((c + QR_QUIET_ZONE + 0.5) * scale);
    const y = Math.floor((r + QR_QUIET_ZONE + 0.5) * scale);
    return (data[y * info.width + x] ?? 255) < 128;
  };
}

describe("qrSvg", () => {
  it("is a standalone, labelled, well-formed SVG with a viewBox", async () => {
    const svg = await qrSvg(VERIFY_URL);
    const { size } = reference(VERIFY_URL);
    const full = size + 2 * QR_QUIET_ZONE;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain(`viewBox="0 0 ${full} ${full}"`);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('shape-rendering="crispEdges"');
    expect(svg).toContain(`aria-label="QR code linking to ${VERIFY_URL.replace("&", "&amp;")}"`);
    expect(svg).not.toContain("en&x");
    expect(await sharp(Buffer.from(svg)).metadata()).toMatchObject({ format: "svg", width: full, height: full });
  });

  it("draws exactly the dark modules of qrcode's level-M symbol, inside a quiet zone", async () => {
    const svg = await qrSvg(VERIFY_URL);
    const { size, dark } = reference(VERIFY_URL);
    const drawn = drawnModules(svg);
    let darkCount = 0;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        if (dark(r, c)) {
          darkCount++;
          expect(drawn.has(`${r},${c}`)).toBe(true);
        }
      }
    }
    expect(drawn.size).toBe(darkCount);
    expect(darkCount).toBeGreaterThan(size * 4);
  });

  it("matches qrcode for any URL", async () => {
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: true, withFragments: true }), async (url) => {
        const { size, dark } = reference(url);
        let darkCount = 0;
        for (let i = 0; i < size * size; i++) {
          darkCount += dark(Math.floor(i / size), i % size) ? 1 : 0;
        }
        expect(drawnModules(await qrSvg(url)).size).toBe(darkCount);
      }),
      { numRuns: 40 },
    );
  });

  it("rasterises crisply: every module centre has the right colour", async () => {
    const { size, dark } = reference(VERIFY_URL);
    const full = size + 2 * QR_QUIET_ZONE;
    const sample = await sampleModules(
      await svgToPng(await qrSvg(VERIFY_URL), { width: full * 6, height: full * 6 }),
      size,
    );
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        expect(sample(r, c)).toBe(dark(r, c));
      }
    }
  });
});

describe("qrPng", () => {
  it("has exactly the requested size", async () => {
    for (const sizePx of [512, 300, 97]) {
      const meta = await sharp(await qrPng(VERIFY_URL, sizePx)).metadata();
      expect(meta).toMatchObject({ format: "png", width: sizePx, height: sizePx });
    }
  });

  it("encodes the same symbol, one hard-edged block per module", async () => {
    const { size, dark } = reference(VERIFY_URL);
    const sample = await sampleModules(await qrPng(VERIFY_URL, (size + 2 * QR_QUIET_ZONE) * 5), size);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        expect(sample(r, c)).toBe(dark(r, c));
      }
    }
  });

  it("refuses a size too small to hold one pixel per module", async () => {
    await expect(qrPng(VERIFY_URL, 20)).rejects.toThrow(RangeError);
    await expect(qrPng(VERIFY_URL, 300.5)).rejects.toThrow(RangeError);
  });
});

/** Where zbarimg is installed (always in CI), the codes are really decoded: see test/helpers/zbar.ts. */
describe.skipIf(!zbarAvailable())("decoding with zbarimg", () => {
  it("reads the URL back from the PNG and from the rasterised SVG", async () => {
    mkdirSync("test/output", { recursive: true });
    writeFileSync("test/output/qr.png", await qrPng(VERIFY_URL, 300));
    writeFileSync("test/output/qr-svg.png", await svgToPng(await qrSvg(VERIFY_URL), { width: 250, height: 250 }));
    for (const file of ["test/output/qr.png", "test/output/qr-svg.png"]) {
      expect(decodeQr(file).text).toBe(VERIFY_URL);
    }
  });
});

describe("svgToPng", () => {
  it("renders at exactly the requested size, even for another aspect ratio", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';
    expect(await sharp(await svgToPng(svg, { width: 123, height: 77 })).metadata()).toMatchObject({
      format: "png",
      width: 123,
      height: 77,
    });
  });
});
