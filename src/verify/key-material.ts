import type { JWK } from "jose";
import { ed25519FromJwk, ed25519FromMultibase, ed25519ToJwk } from "./multibase.js";
import { p256FromMultibase } from "./p256-multikey.js";

export type KeyVia = "ours" | "did:key" | "did:jwk" | "key-in-fragment" | "did:web" | "https" | "token-header";

/** A public key found for a verification method or a JWS `kid`, with who controls it when the source says so. */
export type ResolvedKey = {
  id: string;
  /** Absent when the source names no controller (a bare JWK, a key embedded in a token header). */
  controller?: string;
  /** Raw Ed25519 key, when it is one (the Data Integrity suites need it). */
  ed25519?: Uint8Array;
  /**
   * `ed25519` as a Multikey `publicKeyMultibase` (multibase.ts ed25519ToMultibase), when the resolver made it once for
   * a key it keeps (did:key, ours): each proof checked with the key needs it. Else made per proof from `ed25519`.
   */
  ed25519Multibase?: string;
  jwk: JWK;
  via: KeyVia;
};

/** Why no key: "failed" when the answer is definitive (e.g. not one of our keys), else "not-checked". */
export type Unresolved = { outcome: "failed" | "not-checked"; code: string; reason: string };
export type KeyResolution = ({ ok: true } & ResolvedKey) | ({ ok: false } & Unresolved);

/** The public key of a Multikey `publicKeyMultibase`: Ed25519 or P-256. */
export function multikeyOf(multibase: string): { jwk: JWK; ed25519?: Uint8Array } | undefined {
  const raw = ed25519FromMultibase(multibase);
  if (raw) {
    return { jwk: ed25519ToJwk(raw), ed25519: raw };
  }
  const p256 = p256FromMultibase(multibase);
  return p256 ? { jwk: p256 } : undefined;
}

/** The public key of a verification method object (Multikey / Ed25519VerificationKey2020 / JsonWebKey). */
export function publicKeyOf(vm: Record<string, unknown>): { jwk: JWK; ed25519?: Uint8Array } | undefined {
  if (typeof vm.publicKeyMultibase === "string") {
    return multikeyOf(vm.publicKeyMultibase);
  }
  const jwk = vm.publicKeyJwk as Record<string, unknown> | undefined;
  if (typeof jwk !== "object" || jwk === null || "d" in jwk || typeof jwk.kty !== "string") {
    return undefined;
  }
  const raw = ed25519FromJwk(jwk);
  if (raw) {
    return { jwk: ed25519ToJwk(raw), ed25519: raw };
  }
  const { kty, crv, x, y, n, e } = jwk as Record<string, string | undefined>;
  return { jwk: Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) };
}
