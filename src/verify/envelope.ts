import type { ReadCredential } from "./read-input.js";
import { shown } from "./safe-json.js";

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*),([\s\S]*)$/;

/** Enveloping media types this verifier does not read, with what a person calls them. */
const UNSUPPORTED: Record<string, string> = {
  "application/vc+sd-jwt": "SD-JWT credentials (application/vc+sd-jwt)",
  "application/vc+ld+json+sd-jwt": "SD-JWT credentials (application/vc+ld+json+sd-jwt)",
  "application/vc+cose": "COSE-secured credentials (application/vc+cose)",
  "application/vc+ld+json+cose": "COSE-secured credentials (application/vc+ld+json+cose)",
};

const failed = (code: string, message: string): ReadCredential => ({ ok: false, format: "jwt", code, message });
const unsupported = (what: string): ReadCredential => ({
  ok: false,
  format: "jwt",
  code: "unsupported-format",
  unsupported: true,
  message: `${what} are not supported by this verifier, so nothing about this one was checked.`,
});

/** True for a VC API `EnvelopedVerifiableCredential` (VCDM 2.0 §4.13): its credential is in its `id`, a data: URL. */
export function isEnvelope(value: Record<string, unknown>): boolean {
  const types = Array.isArray(value.type) ? value.type : [value.type];
  return types.includes("EnvelopedVerifiableCredential");
}

/**
 * Reads an `EnvelopedVerifiableCredential`: `data:application/vc+jwt,<compact JWS>` (VC-JOSE-COSE §3.1.1, whose JWS
 * payload is the credential itself) is read as such a token; SD-JWT and COSE envelopes are reported as not supported,
 * anything else as not readable.
 */
export function readEnvelope(value: Record<string, unknown>): ReadCredential {
  const id = value.id;
  const match = typeof id === "string" ? DATA_URL.exec(id.trim()) : null;
  if (!match) {
    return failed(
      "bad-envelope",
      `An EnvelopedVerifiableCredential carries its credential in its id as a data: URL; this one's id is ${shown(id, 80)}.`,
    );
  }
  const [, rawType, params, data] = match as unknown as [string, string, string, string];
  const mediaType = rawType.toLowerCase();
  if (UNSUPPORTED[mediaType]) {
    return unsupported(UNSUPPORTED[mediaType]);
  }
  if (!["application/vc+jwt", "application/vc+ld+json+jwt", "application/jwt"].includes(mediaType)) {
    return unsupported(`Credentials enveloped as ${shown(rawType || "(no media type)", 80)}`);
  }
  const base64 = params.split(";").includes("base64");
  let text: string;
  try {
    text = (base64 ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data)).trim();
  } catch {
    text = "";
  }
  if (!COMPACT_JWS.test(text)) {
    return failed("bad-envelope", `The ${mediaType} envelope does not hold a compact JWS.`);
  }
  const from = `the ${mediaType} envelope given`;
  // application/jwt is the older VC-JWT form, whose credential may sit in a `vc` claim; the vc+jwt forms hold it as the payload
  const envelope = mediaType === "application/jwt" ? undefined : ("vc+jwt" as const);
  return { ok: true, kind: "jws", format: "jwt", standard: "ob3", text, from, ...(envelope ? { envelope } : {}) };
}

/** Header values a vc+jwt may carry as its `typ` (VC-JOSE-COSE §3.1.1 says vc+jwt; plain JWT is what OB 3.0 issuers use). */
const ENVELOPE_TYPS = ["vc+jwt", "application/vc+jwt", "jwt", "vc+ld+json+jwt", "application/vc+ld+json+jwt"];

/** Why a token is not a VC-JOSE-COSE vc+jwt: its payload must be the credential, never wrapped in a `vc` claim. */
export function envelopeBreach(header: Record<string, unknown>, payload: Record<string, unknown>): string | undefined {
  if (payload.vc !== undefined || payload.vp !== undefined) {
    const claim = payload.vc !== undefined ? "vc" : "vp";
    return `The vc+jwt token wraps its credential in a \`${claim}\` claim; VC-JOSE-COSE (§3.1.1) makes the payload the credential itself and forbids the vc and vp claims.`;
  }
  if (
    header.typ !== undefined &&
    !(typeof header.typ === "string" && ENVELOPE_TYPS.includes(header.typ.toLowerCase()))
  ) {
    return `The token's typ header (${String(header.typ).slice(0, 80)}) does not say it is a credential (vc+jwt).`;
  }
  return undefined;
}
