import type { DidDocument, PublicJwk } from "../crypto/keyring.js";
import { issuerProfileDocument } from "../domain/issuer.js";
import { AppError } from "../errors.js";
import type { ServiceContext } from "./deps.js";

export function getDidDocument(ctx: ServiceContext): DidDocument {
  return ctx.keyring.didDocument;
}

export function getJwks(ctx: ServiceContext): { keys: PublicJwk[] } {
  return { keys: ctx.keyring.jwks };
}

/** A single public JWK by its `kid` URL's last segment (`key-<generation>`). */
export function getJwk(ctx: ServiceContext, name: string): PublicJwk {
  const kid = `${ctx.config.publicUrl}/keys/${name}`;
  const jwk = ctx.keyring.jwks.find((k) => k.kid === kid);
  if (!jwk) {
    throw new AppError("NOT_FOUND", `No key "${name}"`);
  }
  return jwk;
}

export function getIssuerProfileDocument(ctx: ServiceContext): Record<string, unknown> {
  return issuerProfileDocument(ctx.issuer);
}
