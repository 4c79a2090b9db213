import { calculateJwkThumbprint, type JWK } from "jose";
import type { VerifyEnv } from "./environment.js";
import { publicKeyOf } from "./key-material.js";
import { isOurs, resolveKey } from "./keys.js";
import { ed25519FromMultibase, ed25519ToJwk } from "./multibase.js";
import type { ProofResult } from "./proof-result.js";
import { assertionKeys, fetchDidWebDocument } from "./remote-keys.js";
import type { Check } from "./report.js";

const TITLE = "Issuer";

const check = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "issuer",
  outcome,
  title: TITLE,
  message,
  code,
});

/** Issuer ids that can publish keys: a DID or a web address. Anything else (urn:uuid:…) names no keys. */
function canPublishKeys(issuerId: string): boolean {
  return /^did:[a-z0-9]+:/.test(issuerId) || /^https?:\/\//.test(issuerId);
}

/**
 * The issuer check: the key that signed is controlled by the credential's issuer (OB 3.0 §8.3; the 1EdTech
 * validator's "key controller does not match issuer"). A key with no stated controller (one embedded in a token) must
 * be one of the issuer's published keys.
 */
export async function checkIssuer(issuerId: string | undefined, proof: ProofResult, env: VerifyEnv): Promise<Check> {
  if (!issuerId) {
    return check("failed", "no-issuer", "The credential does not name its issuer.");
  }
  const key = proof.outcome === "passed" ? proof.key : undefined;
  if (!key) {
    return check(
      "not-checked",
      "no-verified-key",
      "No signature could be confirmed, so nothing ties the credential to its issuer.",
    );
  }
  if (key.controller !== undefined) {
    if (key.controller === issuerId) {
      const basis = key.via === "key-in-fragment" ? " (the issuer's document lists it)" : "";
      return check("passed", "issuers-key", `The signing key belongs to the issuer, ${issuerId}${basis}.`);
    }
    if (!canPublishKeys(issuerId)) {
      return check(
        "not-checked",
        "issuer-unresolvable",
        `The issuer is identified as ${issuerId}, which publishes no keys, so nothing ties the signing key (controlled by ${key.controller}) to it.`,
      );
    }
    return check(
      "failed",
      "key-not-issuers",
      `The signing key belongs to ${key.controller}, not to the issuer ${issuerId}.`,
    );
  }
  const known = await issuerKeys(issuerId, env);
  if (!known.ok) {
    const source =
      key.via === "key-in-fragment"
        ? "The key is written into the verification method itself and no document of its controller lists it"
        : "The key comes with the token itself";
    return check("not-checked", known.code, `${source}, and ${known.reason}, so it cannot be tied to the issuer.`);
  }
  const thumbprint = await calculateJwkThumbprint(key.jwk);
  const theirs = await Promise.all(known.keys.map((k) => calculateJwkThumbprint(k).catch(() => "")));
  return theirs.includes(thumbprint)
    ? check("passed", "issuers-key", `The key in the token is one of the published keys of the issuer, ${issuerId}.`)
    : check(
        "failed",
        "key-not-issuers",
        `The key in the token is not one of the keys the issuer ${issuerId} publishes.`,
      );
}

type IssuerKeys = { ok: true; keys: JWK[] } | { ok: false; code: string; reason: string };

/** Every public key an issuer publishes, where that can be known (ours; did:key, did:jwk; did:web when enabled). */
async function issuerKeys(issuerId: string, env: VerifyEnv): Promise<IssuerKeys> {
  if (isOurs(issuerId, env)) {
    if (issuerId !== env.local.did) {
      return { ok: true, keys: [] };
    }
    const edKeys = env.local.didDocument.verificationMethod.flatMap((vm) => {
      const raw = ed25519FromMultibase(vm.publicKeyMultibase);
      return raw ? [ed25519ToJwk(raw) as JWK] : [];
    });
    const jwtKeys = env.local.jwks.map(({ kty, crv, x, y }) => ({ kty, crv, x, y }));
    return { ok: true, keys: [...edKeys, ...jwtKeys] };
  }
  if (issuerId.startsWith("did:key:") || issuerId.startsWith("did:jwk:")) {
    const resolved = await resolveKey(issuerId, env);
    return resolved.ok
      ? { ok: true, keys: [resolved.jwk] }
      : { ok: false, code: resolved.code, reason: resolved.reason };
  }
  if (issuerId.startsWith("did:web:")) {
    const resolved = await fetchDidWebDocument(issuerId, env);
    if (!resolved.ok) {
      return { ok: false, code: resolved.code, reason: resolved.reason };
    }
    return { ok: true, keys: assertionKeys(resolved.document).flatMap((vm) => publicKeyOf(vm)?.jwk ?? []) };
  }
  return {
    ok: false,
    code: "issuer-unresolvable",
    reason: `the issuer ${issuerId} publishes no keys this verifier can look up`,
  };
}
