import { KeyObject, sign } from "node:crypto";
import { CompactSign, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { JsonObject } from "./data-integrity.js";
import type { JwtPrivateKey } from "./keyring.js";

function seconds(isoDate: unknown): number | undefined {
  return typeof isoDate === "string" ? Math.floor(Date.parse(isoDate) / 1000) : undefined;
}

/**
 * The VC-JWT payload of a credential (OB 3.0 §8.2.4): the credential itself plus `iss`, `jti`,
 * `nbf` and, when it expires, `exp`. `sub` is set only when the subject has an `id` (ours are
 * identified by a hashed email instead). Deterministic: the same credential gives the same bytes. `json`, when given,
 * must be `JSON.stringify(credential)` (signing has it already: the stored document): the payload is then written from
 * it rather than by serialising the credential again.
 */
export function vcJwtPayload(credential: JsonObject, json?: string): string {
  const issuer = credential.issuer as { id?: string } | string;
  const subject = credential.credentialSubject as { id?: string } | undefined;
  const registered: Record<string, unknown> = {
    iss: typeof issuer === "string" ? issuer : issuer.id,
    jti: credential.id,
    nbf: seconds(credential.validFrom),
    exp: seconds(credential.validUntil),
    sub: subject?.id,
  };
  const plain = !("toJSON" in credential) && !REGISTERED.some((key) => Object.hasOwn(credential, key));
  if (json !== undefined && plain && json.length > 2 && json.endsWith("}")) {
    // The claims object is the credential's own keys in their order, then the registered claims (none of which it
    // has): its JSON is the credential's without the closing brace, then each claim that is not undefined.
    let text = json.slice(0, -1);
    for (const key of REGISTERED) {
      const value = JSON.stringify(registered[key]);
      if (value !== undefined) {
        text += `,"${key}":${value}`;
      }
    }
    return `${text}}`;
  }
  return JSON.stringify({ ...credential, ...registered });
}

/** The registered claims a VC-JWT payload adds, in the order it adds them. */
const REGISTERED = ["iss", "jti", "nbf", "exp", "sub"] as const;

const encoder = new TextEncoder();

/**
 * Signs the VC-JWT form of a credential: ES256, header `{alg, kid, typ: "JWT"}` with `kid` the URL
 * of a single public JWK. Returns the compact JWS; it is stored as issued.
 *
 * With a node `KeyObject` (the signing paths': IssuerSigner.jwtSigningKey) the JWS is made here, on this thread, with
 * node:crypto's one-shot `sign` (P-1363 signature, as JWS ES256 requires): the same header and payload bytes as
 * jose's CompactSign, which takes a CryptoKey through WebCrypto, a round trip to libuv's thread pool per signature
 * that cost three times the signature itself when awaited in turn (bench/profile-window.ts).
 */
export async function signVcJwt(options: {
  credential: JsonObject;
  /** `JSON.stringify(credential)`, when the caller has it (see vcJwtPayload). */
  json?: string;
  kid: string;
  privateKey: JwtPrivateKey | KeyObject;
}): Promise<string> {
  const header = { alg: "ES256", kid: options.kid, typ: "JWT" };
  if (options.privateKey instanceof KeyObject) {
    return compactEs256(header, vcJwtPayload(options.credential, options.json), options.privateKey);
  }
  return new CompactSign(encoder.encode(vcJwtPayload(options.credential)))
    .setProtectedHeader(header)
    .sign(options.privateKey);
}

/**
 * A compact JWS (RFC 7515 §7.1) with ES256 (RFC 7518 §3.4: ECDSA P-256 SHA-256, the signature as R‖S): what jose's
 * CompactSign makes of the same header object and payload text. Refuses any key but a private P-256 one.
 */
export function compactEs256(header: Record<string, unknown>, payload: string, key: KeyObject): string {
  if (
    key.type !== "private" ||
    key.asymmetricKeyType !== "ec" ||
    key.asymmetricKeyDetails?.namedCurve !== "prime256v1"
  ) {
    throw new TypeError("ES256 needs a private P-256 key");
  }
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(payload).toString("base64url")}`;
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}

/** Verifies a VC-JWT's signature and registered claims with a key resolver (jose semantics). */
export async function verifyVcJwt(
  jwt: string,
  getKey: JWTVerifyGetKey,
  options: { now?: Date } = {},
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(jwt, getKey, {
    algorithms: ["ES256"],
    currentDate: options.now,
    typ: "JWT",
  });
  return payload;
}
