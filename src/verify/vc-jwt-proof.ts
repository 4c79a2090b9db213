import { compactVerify, importJWK, errors as joseErrors } from "jose";
import type { VerifyEnv } from "./environment.js";
import { publicKeyOf, type ResolvedKey } from "./key-material.js";
import { resolveKey } from "./keys.js";
import type { ProofResult } from "./proof-result.js";
import { isJsonObject, parseJson, shown } from "./safe-json.js";
import { dateFromSeconds } from "./validity.js";

/** The only JWS algorithms accepted (OB 3.0 §8.2: RS256 at minimum; ES256 and EdDSA also issued in practice). */
export const JWS_ALGORITHMS = ["ES256", "RS256", "EdDSA"] as const;
const JWT_CLAIMS = ["iss", "sub", "jti", "nbf", "exp", "iat", "aud"];

export type DecodedJws = {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The credential the token carries: the payload itself (VC 2.0 / OB 3.0) or its `vc` claim (VC 1.1). */
  credential: Record<string, unknown>;
};

function decodePart(part: string): unknown {
  const parsed = parseJson(Buffer.from(part, "base64url").toString("utf8"));
  return parsed.ok ? parsed.value : undefined;
}

/** Decodes a compact JWS without trusting it; undefined when the header or payload is not a JSON object. */
export function decodeJws(jws: string): DecodedJws | undefined {
  const [h, p] = jws.split(".");
  const header = decodePart(h ?? "");
  const payload = decodePart(p ?? "");
  if (!isJsonObject(header) || !isJsonObject(payload)) {
    return undefined;
  }
  if (isJsonObject(payload.vc)) {
    const vc: Record<string, unknown> = { ...payload.vc };
    // VC-JWT 1.1 moves some properties into registered claims; put them back where a credential has them
    if (vc.issuer === undefined && typeof payload.iss === "string") {
      vc.issuer = payload.iss;
    }
    if (vc.id === undefined && typeof payload.jti === "string") {
      vc.id = payload.jti;
    }
    // (a time a Date cannot hold stays out: the validity check reports the token's claim as not a valid time)
    const nbf = dateFromSeconds(payload.nbf);
    const exp = dateFromSeconds(payload.exp);
    if (vc.issuanceDate === undefined && nbf instanceof Date) {
      vc.issuanceDate = nbf.toISOString();
    }
    if (vc.expirationDate === undefined && exp instanceof Date) {
      vc.expirationDate = exp.toISOString();
    }
    return { header, payload, credential: vc };
  }
  const credential = Object.fromEntries(Object.entries(payload).filter(([k]) => !JWT_CLAIMS.includes(k)));
  return { header, payload, credential };
}

const failed = (code: string, message: string, key?: ResolvedKey): ProofResult => ({
  outcome: "failed",
  code,
  message,
  ...(key ? { key } : {}),
});

async function keyOfHeader(header: Record<string, unknown>, env: VerifyEnv): Promise<ProofResult | ResolvedKey> {
  if (header.jwk !== undefined) {
    if (!isJsonObject(header.jwk) || "d" in header.jwk) {
      return failed("bad-key", "The token's header carries a malformed or private key.");
    }
    const key = publicKeyOf({ publicKeyJwk: header.jwk });
    if (!key) {
      return failed("bad-key", "The token's header carries a key this verifier cannot read.");
    }
    return { id: "the key embedded in the token's header", ...key, via: "token-header" };
  }
  if (typeof header.kid !== "string") {
    return failed("no-key", "The token names no key (neither `kid` nor `jwk` in its header).");
  }
  const resolved = await resolveKey(header.kid, env);
  if (!resolved.ok) {
    return {
      outcome: resolved.outcome,
      code: resolved.code,
      message: `${resolved.reason}, so the signature could not be checked.`,
    };
  }
  const { ok: _ok, ...key } = resolved;
  return key;
}

/**
 * Verifies a VC-JWT (OB 3.0 §8.2.4): only ES256, RS256 and EdDSA (never `none`), the key from the header's `jwk` or
 * `kid`, and the token's `iss`/`jti` agreeing with the credential it carries.
 */
export async function verifyJwsProof(jws: string, decoded: DecodedJws, env: VerifyEnv): Promise<ProofResult> {
  const alg = decoded.header.alg;
  if (alg === "none" || alg === undefined) {
    return failed("bad-alg", 'The token is not signed (algorithm "none"); an unsigned token proves nothing.');
  }
  if (typeof alg !== "string" || !(JWS_ALGORITHMS as readonly string[]).includes(alg)) {
    return failed(
      "bad-alg",
      `The token is signed with ${shown(alg)}, which this verifier does not accept (only ${JWS_ALGORITHMS.join(", ")}).`,
    );
  }
  const key = await keyOfHeader(decoded.header, env);
  if ("outcome" in key) {
    return key;
  }
  let publicKey: Awaited<ReturnType<typeof importJWK>>;
  try {
    publicKey = await importJWK({ ...key.jwk, alg }, alg);
  } catch {
    return failed("bad-key", `${key.id} cannot make ${alg} signatures.`, key);
  }
  try {
    await compactVerify(jws, publicKey, { algorithms: [alg] });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return failed(
        "tampered",
        `The token's signature does not match: it was changed after signing, or ${key.id} did not sign it.`,
        key,
      );
    }
    return failed("malformed", `The token could not be checked (${(error as Error).message}).`, key);
  }
  return (
    claimsAgree(decoded, key) ?? {
      outcome: "passed",
      code: "verified",
      message: `Signed by ${key.id} (VC-JWT, ${alg}); the signature matches the token.`,
      key,
    }
  );
}

/** A signed token whose registered claims contradict its credential is not a valid VC-JWT. */
function claimsAgree(decoded: DecodedJws, key: ResolvedKey): ProofResult | undefined {
  const { payload, credential } = decoded;
  const issuer = credential.issuer;
  const issuerId = typeof issuer === "string" ? issuer : isJsonObject(issuer) ? issuer.id : undefined;
  if (payload.iss !== undefined && issuerId !== undefined && payload.iss !== issuerId) {
    return failed(
      "claims-mismatch",
      `The token's issuer claim (${shown(payload.iss)}) is not the credential's issuer (${shown(issuerId)}).`,
      key,
    );
  }
  if (payload.jti !== undefined && credential.id !== undefined && payload.jti !== credential.id) {
    return failed(
      "claims-mismatch",
      `The token's id claim (${shown(payload.jti)}) is not the credential's id (${shown(credential.id)}).`,
      key,
    );
  }
  return undefined;
}
