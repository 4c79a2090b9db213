import { createPrivateKey, type KeyObject } from "node:crypto";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { importJWK, type JWK } from "jose";

/** The private key type jose produces for ES256. */
export type JwtPrivateKey = Awaited<ReturnType<typeof importJWK>>;

import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from "../domain/contexts.js";
import { createEd25519Signer } from "./ed25519-signer.js";
import { publicPart, type StoredIssuerKey } from "./issuer-keys.js";

export type VerificationMethod = {
  id: string;
  type: "Multikey";
  controller: string;
  publicKeyMultibase: string;
};

export type PublicJwk = { kty: string; crv: string; x: string; y: string; kid: string; alg: "ES256"; use: "sig" };

export type DidDocument = {
  "@context": string[];
  id: string;
  verificationMethod: VerificationMethod[];
  assertionMethod: string[];
};

/** The signing half of the keyring: what the service needs to sign, never serialised. */
export type IssuerSigner = {
  /** The key generation (`key-<n>` of the DID document, `/keys/key-<n>` of the JWKs). */
  generation: number;
  verificationMethod: string;
  signer: Ed25519Multikey.Signer;
  jwtKid: string;
  jwtPrivateKey: JwtPrivateKey;
  /** The same P-256 key as a node KeyObject: VC-JWTs of issuance are signed with it on the signing thread. */
  jwtSigningKey: KeyObject;
};

/** Public identity (DID document, JWKs) plus the active signer, built from the stored key generations. */
export type IssuerKeyring = {
  did: string;
  didDocument: DidDocument;
  jwks: PublicJwk[];
  active: IssuerSigner;
};

/** URL of a generation's P-256 public JWK: the VC-JWT header's `kid`. */
export function jwtKidUrl(publicUrl: string, generation: number): string {
  return `${publicUrl}/keys/key-${generation}`;
}

/** The key generations a keyring is built from, with the issuer's DID and public URL: what a signing worker is sent. */
export type KeyringMaterial = { keys: StoredIssuerKey[]; did: string; publicUrl: string };

/** The generation that signs: the newest active one that still holds its private parts. */
export function activeIssuerKey(keys: StoredIssuerKey[]): StoredIssuerKey | undefined {
  return keys.filter((k) => k.status === "active" && k.ed25519.secretKeyMultibase && k.p256.privateJwk).at(-1);
}

/** The signer of one key generation (its Ed25519 key for proofs, its P-256 key for VC-JWTs); it must hold both. */
export async function createIssuerSigner(options: {
  key: StoredIssuerKey;
  did: string;
  publicUrl: string;
}): Promise<IssuerSigner> {
  const { key, did, publicUrl } = options;
  if (!key.ed25519.secretKeyMultibase || !key.p256.privateJwk) {
    throw new Error(`Issuer key generation ${key.generation} holds no private parts: it cannot sign`);
  }
  const vmId = `${did}#key-${key.generation}`;
  const edKey = await Ed25519Multikey.from({
    "@context": MULTIKEY_V1_CONTEXT,
    id: vmId,
    type: "Multikey",
    controller: did,
    publicKeyMultibase: key.ed25519.publicKeyMultibase,
    secretKeyMultibase: key.ed25519.secretKeyMultibase,
  });
  return {
    generation: key.generation,
    verificationMethod: vmId,
    signer: edKey.secretKey ? createEd25519Signer(vmId, edKey.secretKey, edKey.publicKey) : edKey.signer(),
    jwtKid: jwtKidUrl(publicUrl, key.generation),
    jwtPrivateKey: await importJWK(key.p256.privateJwk as JWK, "ES256"),
    jwtSigningKey: createPrivateKey({ key: key.p256.privateJwk as JWK & { kty: string }, format: "jwk" }),
  };
}

/** The DID document publishing every generation's Ed25519 key as a Multikey verification method. */
export function issuerDidDocument(keys: StoredIssuerKey[], did: string): DidDocument {
  const verificationMethod = keys.map(
    (k): VerificationMethod => ({
      id: `${did}#key-${k.generation}`,
      type: "Multikey",
      controller: did,
      publicKeyMultibase: k.ed25519.publicKeyMultibase,
    }),
  );
  return {
    "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: did,
    verificationMethod,
    assertionMethod: verificationMethod.map((vm) => vm.id),
  };
}

/** Builds the keyring; the newest active generation signs, every generation stays published. */
export async function createKeyring(options: KeyringMaterial): Promise<IssuerKeyring> {
  const { keys, did, publicUrl } = options;
  const active = activeIssuerKey(keys);
  if (!active) {
    throw new Error("No active issuer key with its private parts: run the key rotation command to create one");
  }
  const jwks = keys.map(
    (k): PublicJwk => ({
      ...publicPart(k.p256.publicJwk),
      kid: jwtKidUrl(publicUrl, k.generation),
      alg: "ES256",
      use: "sig",
    }),
  );
  return {
    did,
    didDocument: issuerDidDocument(keys, did),
    jwks,
    active: await createIssuerSigner({ key: active, did, publicUrl }),
  };
}

/** The local documents the JSON-LD loader may serve: the DID document and each verification method. */
export function didDocuments(didDocument: DidDocument): Map<string, unknown> {
  const documents = new Map<string, unknown>([[didDocument.id, didDocument]]);
  for (const vm of didDocument.verificationMethod) {
    documents.set(vm.id, { "@context": MULTIKEY_V1_CONTEXT, ...vm });
  }
  return documents;
}
