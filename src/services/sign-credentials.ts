import { type JsonObject, signDataIntegrity } from "../crypto/data-integrity.js";
import type { SignedCredential, SigningPriority } from "../crypto/signing-pool.js";
import { signVcJwt } from "../crypto/vc-jwt.js";
import { buildFromRecipes, type CredentialRecipes } from "../domain/credential/recipe.js";
import type { ServiceContext } from "./deps.js";

/**
 * Signs credentials (built, or as recipes: built where they are signed) with the active key generation at one
 * `created` time: Data Integrity, then the VC-JWT over the
 * signed document (OB 3.0 §8's order). With signing threads (`LAUREL_SIGNING_THREADS` > 0) the pool spreads them over
 * its workers; with none, the main thread signs them in turn with the keyring's own signer, as issuance always did.
 * The same bytes either way (the workers run the same functions with the same keys). `priority` is the pool's: a bulk
 * job's batches ask for `bulk`, so that requests' credentials are signed first.
 */
export async function signCredentials(
  ctx: ServiceContext,
  batch: JsonObject[] | CredentialRecipes,
  created: Date,
  priority: SigningPriority = "interactive",
): Promise<SignedCredential[]> {
  // The newest key generation recorded (a rotation on another node is seen within LAUREL_KEYS_CHECK_SECONDS); the
  // pool is handed a newer one by the key holder before this returns it.
  const { keyring, documentLoader } = await ctx.keys.fresh();
  const signer = keyring.active;
  if (ctx.signing.size > 0) {
    const generation = signer.generation;
    return ctx.signing.signCredentials(
      Array.isArray(batch)
        ? { credentials: batch, created, generation, priority }
        : { recipes: batch, created, generation, priority },
    );
  }
  const credentials = Array.isArray(batch) ? batch : (buildFromRecipes(batch) as JsonObject[]);
  const signed: SignedCredential[] = [];
  for (const credential of credentials) {
    const document = await signDataIntegrity({ credential, signer, documentLoader, now: created });
    const json = JSON.stringify(document);
    const jwt = await signVcJwt({ credential: document, json, kid: signer.jwtKid, privateKey: signer.jwtSigningKey });
    signed.push({ document, json, jwt, verificationMethod: signer.verificationMethod });
  }
  return signed;
}
