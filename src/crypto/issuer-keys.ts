import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { z } from "zod";

const JwkSchema = z.looseObject({
  kty: z.string(),
  crv: z.string(),
  x: z.string(),
  y: z.string(),
  d: z.string().optional(),
});

/** One generation of issuer keys as kept in keys/: an Ed25519 key (Data Integrity) and a P-256 key (VC-JWT). */
export const StoredIssuerKeySchema = z.strictObject({
  generation: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  status: z.enum(["active", "retired"]),
  ed25519: z.strictObject({
    publicKeyMultibase: z.string().startsWith("z6Mk"),
    secretKeyMultibase: z.string().optional(),
  }),
  p256: z.strictObject({ publicJwk: JwkSchema, privateJwk: JwkSchema.optional() }),
});
export type StoredIssuerKey = z.infer<typeof StoredIssuerKeySchema>;

/** Generates a new active key generation (both key types) with its secret parts. */
export async function generateIssuerKey(generation: number, now: Date): Promise<StoredIssuerKey> {
  const ed = await Ed25519Multikey.generate();
  const exported = await ed.export({ publicKey: true, secretKey: true });
  const p256 = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(p256.publicKey);
  const privateJwk = await exportJWK(p256.privateKey);
  return {
    generation,
    createdAt: now.toISOString(),
    status: "active",
    ed25519: { publicKeyMultibase: exported.publicKeyMultibase, secretKeyMultibase: exported.secretKeyMultibase },
    p256: {
      publicJwk: publicJwk as z.infer<typeof JwkSchema>,
      privateJwk: privateJwk as z.infer<typeof JwkSchema>,
    },
  };
}

/** The retired form of a key: public parts only, so old credentials still verify but nothing new is signed. */
export function retireIssuerKey(key: StoredIssuerKey): StoredIssuerKey {
  return {
    generation: key.generation,
    createdAt: key.createdAt,
    status: "retired",
    ed25519: { publicKeyMultibase: key.ed25519.publicKeyMultibase },
    p256: { publicJwk: publicPart(key.p256.publicJwk) },
  };
}

/** Strips every private member from a JWK. */
export function publicPart(jwk: JWK): { kty: string; crv: string; x: string; y: string } {
  return { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) };
}
