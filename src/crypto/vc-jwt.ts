import { type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import type { JsonObject } from "./data-integrity.js";
import type { JwtPrivateKey } from "./keyring.js";

function seconds(isoDate: unknown): number | undefined {
  return typeof isoDate === "string" ? Math.floor(Date.parse(isoDate) / 1000) : undefined;
}

/**
 * Produces the VC-JWT form of a credential (OB 3.0 §8.2 JWT proof): ES256, `kid` pointing at a
 * single public JWK, payload = the credential plus `iss`, `jti`, `nbf` and (when it expires) `exp`.
 * `sub` is set only when the subject has an `id`: ours are identified by a hashed email instead.
 */
export async function signVcJwt(options: {
  credential: JsonObject;
  kid: string;
  privateKey: JwtPrivateKey;
}): Promise<string> {
  const { credential } = options;
  const issuer = credential.issuer as { id?: string } | string;
  const subject = credential.credentialSubject as { id?: string } | undefined;
  const jwt = new SignJWT({ ...credential })
    .setProtectedHeader({ alg: "ES256", kid: options.kid, typ: "JWT" })
    .setIssuer(typeof issuer === "string" ? issuer : String(issuer.id))
    .setJti(String(credential.id));
  const nbf = seconds(credential.validFrom);
  if (nbf !== undefined) {
    jwt.setNotBefore(nbf);
  }
  const exp = seconds(credential.validUntil);
  if (exp !== undefined) {
    jwt.setExpirationTime(exp);
  }
  if (subject?.id) {
    jwt.setSubject(subject.id);
  }
  return jwt.sign(options.privateKey);
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
