import { BakingError } from "../baking/baking-error.js";
import { type ExtractedCredential, extractFromPng } from "../baking/png.js";
import { extractFromSvg } from "../baking/svg.js";
import { fromShortCode } from "../domain/short-id.js";
import type { InputFormat } from "./report.js";

/** What a visitor handed in: bytes of an uploaded file, or pasted text. */
export type VerifyInput =
  | { kind: "bytes"; bytes: Uint8Array; filename?: string; contentType?: string }
  /** `parsed`: the JSON object `text` is the JSON.stringify of, as safe-json's `readJsonData` found it ("json"). */
  | { kind: "text"; text: string; parsed?: Record<string, unknown> };

export type InputLimits = { maxBytes: number; maxPixels: number };

/** The credential text found in the input, not yet parsed or trusted. */
export type ReadCredential =
  | {
      ok: true;
      kind: "json" | "jws";
      format: InputFormat;
      standard: "ob3" | "ob2";
      text: string;
      from: string;
      /** A VC-JOSE-COSE envelope (`application/vc+jwt`): the JWS payload is the credential itself. */
      envelope?: "vc+jwt";
      /** JSON: the value of `text`, parsed already (VerifyInput's `parsed`), not to be parsed again. */
      parsed?: Record<string, unknown>;
    }
  /** An OB 2.0 image pointing at a hosted assertion. */
  | { ok: true; kind: "hosted"; format: InputFormat; standard: "ob2"; url: string; from: string }
  /** A link to one of our own credentials: read from the database, never fetched. */
  | { ok: true; kind: "ours"; format: "url"; credentialId: string }
  /** `unsupported`: a form this verifier does not read (an SD-JWT envelope): "not checked" rather than "failed". */
  | { ok: false; format?: InputFormat; code: string; message: string; unsupported?: boolean };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

const BAKING_MESSAGES: Record<BakingError["code"], string> = {
  NOT_AN_IMAGE: "The file is not an image this verifier reads",
  TRUNCATED: "The image file is cut short",
  BAD_CRC: "The image file is damaged (a checksum does not match)",
  TOO_LARGE: "The image is larger than this verifier accepts",
  DUPLICATE_CREDENTIAL: "The image holds more than one baked credential, so which one counts is ambiguous",
  NO_CREDENTIAL: "The image holds no baked credential",
  MALFORMED: "The baked credential in the image is malformed",
  UNSAFE_XML: "The SVG declares entities or a DOCTYPE subset, which this verifier refuses to read",
};

function looksLikePng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * The dimensions a PNG declares in its IHDR chunk (PNG §11.2.2), read before anything else touches the file: a
 * "PNG bomb" declares huge dimensions over a tiny compressed stream. Pixels are never decoded here.
 */
export function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function fromExtracted(extracted: ExtractedCredential, format: InputFormat): ReadCredential {
  const from = `the ${format === "png" ? "PNG" : "SVG"} image`;
  if (extracted.kind === "url") {
    return { ok: true, kind: "hosted", format, standard: "ob2", url: extracted.text, from };
  }
  return { ok: true, kind: extracted.kind, format, standard: extracted.standard, text: extracted.text, from };
}

function readImage(format: "png" | "svg", read: () => ExtractedCredential): ReadCredential {
  try {
    return fromExtracted(read(), format);
  } catch (error) {
    if (error instanceof BakingError) {
      const why = error.code === "MALFORMED" ? ` (${error.message})` : "";
      return {
        ok: false,
        format,
        code: `image-${error.code.toLowerCase()}`,
        message: `${BAKING_MESSAGES[error.code]}${why}.`,
      };
    }
    throw error;
  }
}

function isSvg(bytes: Uint8Array, input: { filename?: string; contentType?: string }): boolean {
  if (input.contentType?.startsWith("image/svg") || input.filename?.toLowerCase().endsWith(".svg")) {
    return true;
  }
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, "")
    .trimStart();
  return head.startsWith("<");
}

/** Finds the credential in an upload or pasted text: PNG and SVG by their content, else JSON, a JWS, or a link. */
export function readInput(input: VerifyInput, limits: InputLimits, publicUrl: string): ReadCredential {
  const size = input.kind === "bytes" ? input.bytes.byteLength : Buffer.byteLength(input.text, "utf8");
  if (size > limits.maxBytes) {
    return {
      ok: false,
      code: "too-large",
      message: `The input is ${size} bytes; this verifier accepts at most ${limits.maxBytes}.`,
    };
  }
  if (input.kind === "text") {
    return readText(input.text, publicUrl, input.parsed);
  }
  const bytes = input.bytes;
  if (looksLikePng(bytes)) {
    const size2d = pngDimensions(bytes);
    if (size2d && size2d.width * size2d.height > limits.maxPixels) {
      return {
        ok: false,
        format: "png",
        code: "too-many-pixels",
        message: `The PNG declares ${size2d.width} × ${size2d.height} pixels, more than the ${limits.maxPixels} this verifier accepts.`,
      };
    }
    return readImage("png", () => extractFromPng(bytes, { maxBytes: limits.maxBytes, maxChunkBytes: limits.maxBytes }));
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return {
      ok: false,
      code: "unreadable",
      message: "The file is not a PNG, an SVG, JSON or a token: it is not text and not a PNG image.",
    };
  }
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!trimmed.startsWith("{") && isSvg(bytes, input)) {
    return readImage("svg", () => extractFromSvg(text, { maxBytes: limits.maxBytes }));
  }
  return readText(text, publicUrl);
}

function readText(raw: string, publicUrl: string, parsed?: Record<string, unknown>): ReadCredential {
  const text = raw.replace(/^\uFEFF/, "").trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    // the value parsed already stands for the text only when it is the very text it was written as
    const known = parsed !== undefined && text === raw && text.startsWith("{") ? { parsed } : {};
    return { ok: true, kind: "json", format: "json", standard: "ob3", text, from: "the JSON given", ...known };
  }
  if (COMPACT_JWS.test(text)) {
    return { ok: true, kind: "jws", format: "jwt", standard: "ob3", text, from: "the token given" };
  }
  if (/^https?:\/\//i.test(text) && URL.canParse(text)) {
    const id = ourCredentialId(text, publicUrl);
    if (id) {
      return { ok: true, kind: "ours", format: "url", credentialId: id };
    }
    return {
      ok: false,
      format: "url",
      code: "not-our-url",
      message:
        "Only links to credentials issued here can be checked by address; paste the credential itself or upload the badge image instead.",
    };
  }
  return {
    ok: false,
    code: "unreadable",
    message:
      "This is not a credential: expected credential JSON, a compact JWS (VC-JWT), a baked PNG or SVG, or a link to one of our credentials.",
  };
}

/** The id in `${publicUrl}/credentials/<id>` (optionally with a file path such as `/jwt`) or the short `/c/<code>`. */
export function ourCredentialId(url: string, publicUrl: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.origin !== new URL(publicUrl).origin) {
    return undefined;
  }
  const short = /^\/c\/([1-9A-HJ-NP-Za-km-z]+)$/.exec(parsed.pathname);
  if (short) {
    return fromShortCode(short[1] as string);
  }
  const match = /^\/credentials\/([A-Za-z0-9_-]{1,100})(?:\/[^/]*)?$/.exec(parsed.pathname);
  return match ? match[1] : undefined;
}
