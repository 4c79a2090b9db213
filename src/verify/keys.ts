import { didOf } from "./did-web.js";
import type { VerifyEnv } from "./environment.js";
import { type KeyResolution, multikeyOf, publicKeyOf } from "./key-material.js";
import { ed25519FromMultibase, ed25519ToJwk, ed25519ToMultibase } from "./multibase.js";
import { controllerListsKey, resolveDidWebKey, resolveHttpKey } from "./remote-keys.js";
import { parseJson } from "./safe-json.js";

export type { KeyResolution, KeyVia, ResolvedKey, Unresolved } from "./key-material.js";

const DID_KEY = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)(?:#(.*))?$/;
const DID_JWK = /^did:jwk:([A-Za-z0-9_-]+)(?:#(.*))?$/;
// 1EdTech's form: `<controller>#<publicKeyMultibase>`, the key carried in the fragment (STANDARDS.md §2.2, form 1)
const KEY_IN_FRAGMENT = /^(https?:\/\/[^#\s]+)#(z[1-9A-HJ-NP-Za-km-z]+)$/;

const notChecked = (code: string, reason: string): KeyResolution => ({
  ok: false,
  outcome: "not-checked",
  code,
  reason,
});
const failed = (code: string, reason: string): KeyResolution => ({ ok: false, outcome: "failed", code, reason });

/** True for our DID (and any DID URL under it) and for URLs on our origin: we alone answer for those. */
export function isOurs(ref: string, env: VerifyEnv): boolean {
  const { did, publicUrl } = env.local;
  const base = didOf(ref);
  if (base === did || base.startsWith(`${did}:`)) {
    return true;
  }
  return URL.canParse(ref) && new URL(ref).origin === new URL(publicUrl).origin;
}

/** Resolves a verification method URL or JWS `kid` to a public key, using the network only when enabled. */
export async function resolveKey(ref: string, env: VerifyEnv): Promise<KeyResolution> {
  if (isOurs(ref, env)) {
    return resolveOurKey(ref, env);
  }
  const didKey = DID_KEY.exec(ref);
  if (didKey) {
    return copied(resolvedDidKeys.get(ref) ?? rememberDidKey(ref, resolveDidKey(ref, didKey)));
  }
  const didJwk = DID_JWK.exec(ref);
  if (didJwk) {
    return resolveDidJwk(ref, didJwk[1] as string);
  }
  const inFragment = KEY_IN_FRAGMENT.exec(ref);
  const fragmentKey = inFragment ? ed25519FromMultibase(inFragment[2] as string) : undefined;
  if (inFragment && fragmentKey) {
    // The key is in the reference itself; its controller counts only once the controller's document lists it.
    const stated = inFragment[1] as string;
    const confirmed = await controllerListsKey(stated, ref, env);
    return {
      ok: true,
      id: ref,
      ...(confirmed ? { controller: stated } : {}),
      ed25519: fragmentKey,
      jwk: ed25519ToJwk(fragmentKey),
      via: "key-in-fragment",
    };
  }
  if (ref.startsWith("did:web:")) {
    return resolveDidWebKey(ref, env);
  }
  if (ref.startsWith("https://") || ref.startsWith("http://")) {
    return resolveHttpKey(ref, env);
  }
  return notChecked("unsupported-key", `${ref} is not a kind of key reference this verifier can resolve`);
}

/**
 * Our Ed25519 keys decoded, by their verification method object (one per key generation, built once per key set):
 * every view of a stored credential resolves the key that signed it.
 */
const decodedKeys = new WeakMap<
  object,
  { raw: Uint8Array; jwk: ReturnType<typeof ed25519ToJwk>; multibase: string; source: string } | null
>();

function resolveDidKey(ref: string, didKey: RegExpExecArray): KeyResolution {
  const [, multibase, fragment] = didKey as unknown as [string, string, string | undefined];
  if (fragment !== undefined && fragment !== multibase) {
    return failed("unknown-key", `${ref} names a key its did:key does not contain`);
  }
  const key = multikeyOf(multibase);
  if (!key) {
    return notChecked("unsupported-key", `${ref} is not an Ed25519 or P-256 did:key, the kinds this verifier reads`);
  }
  // its multibase made once here, kept with the resolution (resolvedDidKeys) for every proof the key checks
  const ed25519Multibase = key.ed25519 ? ed25519ToMultibase(key.ed25519) : undefined;
  return {
    ok: true,
    id: ref,
    controller: `did:key:${multibase}`,
    ...key,
    ...(ed25519Multibase ? { ed25519Multibase } : {}),
    via: "did:key",
  };
}

/**
 * did:key resolutions by reference (a did:key is its key: the answer depends on the reference alone), at most
 * MAX_DID_KEYS, the oldest dropped first: an issuer's credentials all name the same key, decoded once.
 */
const resolvedDidKeys = new Map<string, KeyResolution>();
export const MAX_DID_KEYS = 256;

function rememberDidKey(ref: string, resolution: KeyResolution): KeyResolution {
  resolvedDidKeys.set(ref, resolution);
  if (resolvedDidKeys.size > MAX_DID_KEYS) {
    resolvedDidKeys.delete(resolvedDidKeys.keys().next().value as string);
  }
  return resolution;
}

/** A remembered resolution handed out as a copy of its own (its JWK too): no caller can alter the next one's. */
function copied(resolution: KeyResolution): KeyResolution {
  return resolution.ok ? { ...resolution, jwk: { ...resolution.jwk } } : { ...resolution };
}

function resolveOurKey(ref: string, env: VerifyEnv): KeyResolution {
  const { did, didDocument, jwks } = env.local;
  const vm = didDocument.verificationMethod.find((m) => m.id === ref);
  if (vm && didDocument.assertionMethod.includes(vm.id)) {
    let decoded = decodedKeys.get(vm);
    if (decoded === undefined || (decoded !== null && decoded.source !== vm.publicKeyMultibase)) {
      const raw = ed25519FromMultibase(vm.publicKeyMultibase);
      decoded = raw
        ? { raw, jwk: ed25519ToJwk(raw), multibase: ed25519ToMultibase(raw), source: vm.publicKeyMultibase }
        : null;
      decodedKeys.set(vm, decoded);
    }
    if (decoded) {
      const { raw, jwk, multibase } = decoded;
      return {
        ok: true,
        id: ref,
        controller: did,
        ed25519: raw,
        ed25519Multibase: multibase,
        jwk: { ...jwk },
        via: "ours",
      };
    }
  }
  const jwk = jwks.find((k) => k.kid === ref);
  if (jwk) {
    const { kty, crv, x, y } = jwk;
    return { ok: true, id: ref, controller: did, jwk: { kty, crv, x, y }, via: "ours" };
  }
  return failed("unknown-key", `${ref} claims to be a key of this issuer, but it is not one of our keys`);
}

function resolveDidJwk(ref: string, encoded: string): KeyResolution {
  const jwk = parseJson(Buffer.from(encoded, "base64url").toString("utf8"));
  if (!jwk.ok) {
    return failed("unknown-key", `${ref} does not encode a JSON Web Key`);
  }
  const key = publicKeyOf({ publicKeyJwk: jwk.value });
  if (!key) {
    return failed("unknown-key", `${ref} does not encode a public key`);
  }
  return { ok: true, id: ref, controller: didOf(ref), ...key, via: "did:jwk" };
}
