import { BakingError } from "./baking-error.js";
import {
  DEFAULT_PNG_LIMITS,
  encodePngChunk,
  PNG_SIGNATURE,
  type PngChunk,
  type PngLimits,
  readPngChunks,
  readTextChunk,
  textChunkKeyword,
} from "./png-chunks.js";

export type { PngLimits } from "./png-chunks.js";

/** iTXt keyword of a baked OB 3.0 credential (OB 3.0 "PNG baking", docformat #png-baking). */
export const OB3_PNG_KEYWORD = "openbadgecredential";
/** iTXt / tEXt keyword of a baked OB 2.0 assertion (OB 2.0 Baking Specification). */
export const OB2_PNG_KEYWORD = "openbadges";

/** A credential read out of a baked image, still unverified. */
export type ExtractedCredential = {
  standard: "ob3" | "ob2";
  kind: "json" | "jws" | "url";
  text: string;
  container: "png" | "svg";
};

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const HTTP_URL = /^https?:\/\/[^\s]+$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Returns a new PNG: the input without any OB 3.0 credential chunk, plus one uncompressed iTXt `openbadgecredential`
 * chunk holding the (trimmed) payload just before IEND; every other chunk is copied byte for byte (OB 3.0 docformat #png-baking).
 */
export function bakePng(png: Uint8Array, payload: string, limits?: Partial<PngLimits>): Buffer {
  const caps = { ...DEFAULT_PNG_LIMITS, ...limits };
  const text = checkPayload(payload).text;
  const { bytes, chunks, trailer } = readPngChunks(png, caps);
  // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, then UTF-8 text
  const data = Buffer.concat([Buffer.from(`${OB3_PNG_KEYWORD}\0\0\0\0\0`, "latin1"), Buffer.from(text, "utf8")]);
  if (data.length > caps.maxChunkBytes) {
    throw new BakingError(
      "TOO_LARGE",
      `The credential chunk would be ${data.length} bytes; the limit is ${caps.maxChunkBytes}`,
    );
  }
  const kept = chunks.filter((chunk) => textChunkKeyword(chunk) !== OB3_PNG_KEYWORD);
  const iend = kept.pop() as PngChunk; // readPngChunks guarantees IEND is last
  const raw = (chunk: PngChunk) => bytes.subarray(chunk.start, chunk.end);
  const baked = Buffer.concat([PNG_SIGNATURE, ...kept.map(raw), encodePngChunk("iTXt", data), raw(iend), trailer]);
  if (baked.length > caps.maxBytes) {
    throw new BakingError("TOO_LARGE", `The baked PNG would be ${baked.length} bytes; the limit is ${caps.maxBytes}`);
  }
  return baked;
}

/**
 * Reads the credential baked into a PNG: the OB 3.0 iTXt `openbadgecredential` chunk, else an OB 2.0 `openbadges`
 * iTXt/tEXt chunk. The whole file is checked first (signature, lengths, caps, CRCs).
 */
export function extractFromPng(png: Uint8Array, limits?: Partial<PngLimits>): ExtractedCredential {
  const { chunks } = readPngChunks(png, { ...DEFAULT_PNG_LIMITS, ...limits });
  const ob3 = chunks.filter((chunk) => chunk.type !== "tEXt" && textChunkKeyword(chunk) === OB3_PNG_KEYWORD);
  // OB 2.0 chunks are a fallback: with an OB 3.0 credential present they are not even decoded
  const ob2 = ob3.length > 0 ? [] : chunks.filter((chunk) => textChunkKeyword(chunk) === OB2_PNG_KEYWORD);
  const found = { ob3: ob3.map(decodeCredentialChunk), ob2: ob2.map(decodeCredentialChunk) };
  return pickCredential(found, "png");
}

/** Chooses the single OB 3.0 credential, else the single OB 2.0 one; shared by the PNG and SVG readers. */
export function pickCredential(
  found: Record<"ob3" | "ob2", string[]>,
  container: ExtractedCredential["container"],
): ExtractedCredential {
  for (const standard of ["ob3", "ob2"] as const) {
    const [text, ...others] = found[standard];
    if (others.length > 0) {
      throw new BakingError(
        "DUPLICATE_CREDENTIAL",
        `The ${container} holds ${others.length + 1} ${standard} credentials`,
      );
    }
    if (text !== undefined) {
      return classifyCredentialText(standard, text, container);
    }
  }
  throw new BakingError("NO_CREDENTIAL", `The ${container} holds no baked credential`);
}

/** Tells JSON (`{`), a compact JWS and (OB 2.0 only) a hosted assertion URL apart; anything else is MALFORMED. */
export function classifyCredentialText(
  standard: ExtractedCredential["standard"],
  raw: string,
  container: ExtractedCredential["container"],
): ExtractedCredential {
  const text = raw.trim();
  if (text.startsWith("{")) {
    return { standard, kind: "json", text, container };
  }
  if (COMPACT_JWS.test(text)) {
    return { standard, kind: "jws", text, container };
  }
  if (standard === "ob2" && HTTP_URL.test(text) && URL.canParse(text)) {
    return { standard, kind: "url", text, container };
  }
  throw new BakingError("MALFORMED", `The baked ${standard} credential is neither JSON nor a compact JWS`);
}

/** Validates a payload to bake: a JSON object or a compact JWS, as well-formed Unicode; returns it trimmed. */
export function checkPayload(payload: string): { kind: "json" | "jws"; text: string } {
  const text = payload.trim();
  if (LONE_SURROGATE.test(text)) {
    throw new BakingError("MALFORMED", "The payload is not well-formed Unicode");
  }
  if (COMPACT_JWS.test(text)) {
    return { kind: "jws", text };
  }
  if (text.startsWith("{") && isJson(text)) {
    return { kind: "json", text };
  }
  throw new BakingError("MALFORMED", "The payload is neither a JSON object nor a compact JWS");
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function decodeCredentialChunk(chunk: PngChunk): string {
  const keyword = textChunkKeyword(chunk) ?? "";
  const { compressed, text } = readTextChunk(chunk, keyword);
  if (compressed) {
    throw new BakingError("MALFORMED", `The "${keyword}" chunk is compressed; baked credentials must not be`);
  }
  if (chunk.type === "tEXt") {
    return text.toString("latin1");
  }
  try {
    return UTF8.decode(text);
  } catch (error) {
    throw new BakingError("MALFORMED", `The "${keyword}" chunk is not valid UTF-8`, { cause: error });
  }
}
