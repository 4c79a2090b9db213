import QRCode from "qrcode";
import sharp from "sharp";
import { escapeXml } from "./fill-svg-template.js";

/** White border around the symbol, in modules (ISO/IEC 18004 asks for 4). */
export const QR_QUIET_ZONE = 4;

/** The dark/light modules of a QR symbol, row by row, without the quiet zone. */
export type QrMatrix = { size: number; isDark: (row: number, col: number) => boolean };

/** Encodes a verification URL as a QR symbol with error correction level M. */
export function qrMatrix(url: string): QrMatrix {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: "M" });
  return { size: modules.size, isDark: (row, col) => Boolean(modules.get(row, col)) };
}

/** Horizontal runs of dark modules: `[row, firstCol, length]`, so a drawing needs one rectangle per run. */
export function darkRuns(matrix: QrMatrix): Array<[number, number, number]> {
  const runs: Array<[number, number, number]> = [];
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.isDark(row, col)) {
        col++;
      }
      runs.push([row, start, col - start]);
    }
  }
  return runs;
}

/**
 * A standalone, scalable SVG of the QR code of `url`: one path of whole-module rectangles on a white
 * square, `crispEdges`, sized by its viewBox (one unit per module) so CSS decides the display size.
 */
export async function qrSvg(url: string): Promise<string> {
  const matrix = qrMatrix(url);
  const full = matrix.size + 2 * QR_QUIET_ZONE;
  const d = darkRuns(matrix)
    .map(([row, col, length]) => `M${col + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h${length}v1h-${length}z`)
    .join("");
  const label = escapeXml(`QR code linking to ${url}`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" role="img" aria-label="${label}" shape-rendering="crispEdges">` +
    `<title>${label}</title>` +
    `<rect width="${full}" height="${full}" fill="#ffffff"/>` +
    `<path fill="#000000" d="${d}"/>` +
    `</svg>`
  );
}

/**
 * The QR code of `url` as a `sizePx`×`sizePx` PNG. Modules are drawn one pixel each and scaled with
 * nearest-neighbour, so edges stay hard at any size (modules differ by at most one pixel).
 */
export async function qrPng(url: string, sizePx: number): Promise<Buffer> {
  const matrix = qrMatrix(url);
  const full = matrix.size + 2 * QR_QUIET_ZONE;
  if (!Number.isInteger(sizePx) || sizePx < full) {
    throw new RangeError(`QR code needs an integer size of at least ${full} px, got ${sizePx}`);
  }
  const pixels = Buffer.alloc(full * full, 0xff);
  for (const [row, col, length] of darkRuns(matrix)) {
    const offset = (row + QR_QUIET_ZONE) * full + col + QR_QUIET_ZONE;
    pixels.fill(0x00, offset, offset + length);
  }
  return sharp(pixels, { raw: { width: full, height: full, channels: 1 } })
    .resize(sizePx, sizePx, { kernel: "nearest" })
    .png()
    .toBuffer();
}
