import type { Context } from "hono";
import type { RenderedFile } from "../services/badge-images.js";
import type { AppEnv } from "./env.js";

/**
 * Sends a rendered file with its validator: `ETag` and `Cache-Control: no-cache` so clients revalidate
 * (304 when unchanged), `Content-Disposition` naming the file (inline, or attachment for downloads).
 * SVG responses get a CSP that forbids scripts, so a served SVG can never run code.
 */
export function sendFile(c: Context<AppEnv>, file: RenderedFile, disposition: "inline" | "attachment"): Response {
  const headers: Record<string, string> = {
    etag: file.etag,
    "cache-control": "public, no-cache",
    "content-type": file.contentType,
    "content-disposition": `${disposition}; filename="${file.filename}"`,
  };
  if (file.contentType === "image/svg+xml") {
    headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  }
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === file.etag)) {
    return c.body(null, 304, { etag: file.etag, "cache-control": headers["cache-control"] as string });
  }
  return c.body(typeof file.body === "string" ? file.body : new Uint8Array(file.body), 200, headers);
}
