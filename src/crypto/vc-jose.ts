import { CompactSign } from "jose";
import type { JsonObject } from "./data-integrity.js";
import type { JwtPrivateKey } from "./keyring.js";

/** The media type of a VC-JOSE-COSE JWT-secured credential, and the `data:` URL prefix of its envelope. */
export const VC_JWT_MEDIA_TYPE = "application/vc+jwt";

/**
 * Secures a VC Data Model 2.0 credential as VC-JOSE-COSE does (§3.1.1): a compact JWS whose payload is the credential
 * itself (no `vc` claim), header `{alg: ES256, kid, typ: "vc+jwt", cty: "vc"}`, and returns it as the VC API's
 * `EnvelopedVerifiableCredential` (`id: data:application/vc+jwt,<JWS>`).
 */
export async function envelopeVcJwt(options: {
  credential: JsonObject;
  kid: string;
  privateKey: JwtPrivateKey;
}): Promise<JsonObject> {
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(options.credential)))
    .setProtectedHeader({ alg: "ES256", kid: options.kid, typ: "vc+jwt", cty: "vc" })
    .sign(options.privateKey);
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    id: `data:${VC_JWT_MEDIA_TYPE},${jws}`,
    type: "EnvelopedVerifiableCredential",
  };
}
