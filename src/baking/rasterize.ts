import sharp from "sharp";

/** librsvg's CSS pixel is 1/72 inch at sharp's default density. */
const BASE_DENSITY = 72;

/**
 * Renders an SVG string to PNG with sharp at exactly width×height. The SVG is rasterised at the
 * density that makes its own size reach the target (so text and edges are drawn at full resolution,
 * never upscaled from a small bitmap); a final resize only absorbs rounding and aspect differences.
 */
export async function svgToPng(svg: string, size: { width: number; height: number }): Promise<Buffer> {
  const { width, height } = size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`svgToPng needs a positive integer size, got ${width}×${height}`);
  }
  const input = Buffer.from(svg, "utf8");
  const intrinsic = await sharp(input).metadata();
  const scale = Math.max(width / (intrinsic.width ?? width), height / (intrinsic.height ?? height));
  const density = Math.min(100_000, Math.max(1, BASE_DENSITY * scale));
  return sharp(input, { density })
    .resize(width, height, { fit: "fill" })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer();
}
