import type { DidDocument, PublicJwk } from "../crypto/keyring.js";
import { issuerProfileDocument } from "../domain/issuer.js";
import { AppError } from "../errors.js";
import type { ServiceContext } from "./deps.js";

/** Our DID document: every key generation, as of the newest recorded (a rotation elsewhere is seen here too). */
export async function getDidDocument(ctx: ServiceContext): Promise<DidDocument> {
  return (await ctx.keys.fresh()).keyring.didDocument;
}

export async function getJwks(ctx: ServiceContext): Promise<{ keys: PublicJwk[] }> {
  return { keys: (await ctx.keys.fresh()).keyring.jwks };
}

/** A single public JWK by its `kid` URL's last segment (`key-<generation>`). */
export async function getJwk(ctx: ServiceContext, name: string): Promise<PublicJwk> {
  const kid = `${ctx.config.publicUrl}/keys/${name}`;
  const jwk = (await ctx.keys.fresh()).keyring.jwks.find((k) => k.kid === kid);
  if (!jwk) {
    throw new AppError("NOT_FOUND", `No key "${name}"`);
  }
  return jwk;
}

export function getIssuerProfileDocument(ctx: ServiceContext): Record<string, unknown> {
  return issuerProfileDocument(ctx.issuer);
}
