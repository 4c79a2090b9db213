import { CompactSign, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { JsonObject } from "./data-integrity.js";
import type { JwtPrivateKey } from "./keyring.js";

function seconds(isoDate: unknown): number | undefined {
  return typeof isoDate === "string" ? Math.floor(Date.parse(isoDate) / 1000) : undefined;
}

/**
 * The VC-JWT payload of a credential (OB 3.0 §8.2.4): the credential itself plus `iss`, `jti`,
 * `nbf` and, when it expires, `exp`. `sub` is set only when the subject has an `id` (ours are
 * identified by a hashed email instead). Deterministic: the same credential gives the same bytes.
 */
export function vcJwtPayload(credential: JsonObject): string {
  const issuer = credential.issuer as { id?: string } | string;
  const subject = credential.credentialSubject as { id?: string } | undefined;
  const claims: Record<string, unknown> = {
    ...credential,
    iss: typeof issuer === "string" ? issuer : issuer.id,
    jti: credential.id,
    nbf: seconds(credential.validFrom),
    exp: seconds(credential.validUntil),
    sub: subject?.id,
  };
  return JSON.stringify(claims);
}

const encoder = new TextEncoder();

/**
 * Signs the VC-JWT form of a credential: ES256, header `{alg, kid, typ: "JWT"}` with `kid` the URL
 * of a single public JWK. Returns the compact JWS; it is stored as issued.
 */
export async function signVcJwt(options: {
  credential: JsonObject;
  kid: string;
  privateKey: JwtPrivateKey;
}): Promise<string> {
  return new CompactSign(encoder.encode(vcJwtPayload(options.credential)))
    .setProtectedHeader({ alg: "ES256", kid: options.kid, typ: "JWT" })
    .sign(options.privateKey);
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
