import { didOf, didWebDocumentUrl } from "./did-web.js";
import type { VerifyEnv } from "./environment.js";
import { type KeyResolution, publicKeyOf, type Unresolved } from "./key-material.js";
import { fetchJsonObject } from "./remote.js";

const failed = (code: string, reason: string): KeyResolution => ({ ok: false, outcome: "failed", code, reason });
const notChecked = (code: string, reason: string): KeyResolution => ({
  ok: false,
  outcome: "not-checked",
  code,
  reason,
});

/** Fetches and checks a did:web DID document (the network must be enabled). */
export async function fetchDidWebDocument(
  did: string,
  env: VerifyEnv,
): Promise<{ ok: true; document: Record<string, unknown> } | ({ ok: false } & Unresolved)> {
  const url = didWebDocumentUrl(did);
  if (!url) {
    return { ok: false, outcome: "failed", code: "unknown-key", reason: `${did} is not a well-formed did:web` };
  }
  const fetched = await fetchJsonObject(url, env);
  if (!fetched.ok) {
    return fetched;
  }
  if (fetched.value.id !== did) {
    return {
      ok: false,
      outcome: "failed",
      code: "unknown-key",
      reason: `The DID document at ${url} is not the document of ${did}`,
    };
  }
  return { ok: true, document: fetched.value };
}

/** Verification methods of a DID document that may sign credentials (listed under `assertionMethod`). */
export function assertionKeys(document: Record<string, unknown>): Array<Record<string, unknown>> {
  const did = String(document.id);
  const absolute = (id: unknown) => (typeof id === "string" && id.startsWith("#") ? `${did}${id}` : id);
  const listed = Array.isArray(document.verificationMethod) ? document.verificationMethod : [];
  const assertion = Array.isArray(document.assertionMethod) ? document.assertionMethod : [];
  const objects = [...listed, ...assertion].filter(
    (m): m is Record<string, unknown> => typeof m === "object" && m !== null,
  );
  const allowed = new Set(assertion.map((m) => absolute(typeof m === "string" ? m : (m as { id?: unknown })?.id)));
  const seen = new Set<unknown>();
  return objects
    .map((m) => ({ ...m, id: absolute(m.id) }))
    .filter((m) => allowed.has(m.id) && !seen.has(m.id) && seen.add(m.id));
}

export async function resolveDidWebKey(ref: string, env: VerifyEnv): Promise<KeyResolution> {
  const did = didOf(ref);
  const resolved = await fetchDidWebDocument(did, env);
  if (!resolved.ok) {
    return resolved;
  }
  const vm = assertionKeys(resolved.document).find((m) => m.id === ref);
  if (!vm) {
    return failed("unknown-key", `The DID document of ${did} does not list ${ref} as a key for signing credentials`);
  }
  const key = publicKeyOf(vm);
  if (!key) {
    return notChecked("unsupported-key", `${ref} uses a key type this verifier does not read`);
  }
  // a DID document answers for its own DID only: a `controller` naming another DID is that document's claim
  return { ok: true, id: ref, controller: did, ...key, via: "did:web" };
}

export async function resolveHttpKey(ref: string, env: VerifyEnv): Promise<KeyResolution> {
  const url = ref.split("#", 1)[0] as string;
  const fetched = await fetchJsonObject(url, env);
  if (!fetched.ok) {
    return fetched;
  }
  const doc = fetched.value;
  const fragment = ref.includes("#") ? ref.slice(ref.indexOf("#") + 1) : undefined;
  // a bare JWK or a JWKS (what VC-JWT `kid` URLs usually serve), a key document, or a controller document
  const candidates: Array<Record<string, unknown>> = [];
  if (typeof doc.kty === "string") {
    candidates.push({ publicKeyJwk: doc });
  } else if (Array.isArray(doc.keys)) {
    const match = doc.keys.find((k) => k?.kid === ref || (fragment !== undefined && k?.kid === fragment));
    if (match) {
      candidates.push({ publicKeyJwk: match });
    }
  } else if (doc.publicKeyMultibase !== undefined || doc.publicKeyJwk !== undefined) {
    candidates.push(doc);
  } else if (Array.isArray(doc.verificationMethod)) {
    candidates.push(...doc.verificationMethod.filter((m) => m?.id === ref));
  }
  const vm = candidates[0];
  const key = vm ? publicKeyOf(vm) : undefined;
  if (!vm || !key) {
    return failed("unknown-key", `The document at ${url} does not hold the public key ${ref}`);
  }
  const stated =
    typeof vm.controller === "string" ? vm.controller : typeof doc.id === "string" && vm !== doc ? doc.id : undefined;
  const controller = stated && (await controllerConfirms(stated, ref, url, env)) ? stated : undefined;
  return { ok: true, id: ref, ...(controller ? { controller } : {}), ...key, via: "https" };
}

/**
 * A key document's `controller` is only its claim: it counts when the key is published on the controller's own site,
 * or when the controller's document (read from its address) lists the key. Otherwise the key has no known controller
 * and the issuer check says it cannot tie the key to the issuer.
 */
async function controllerConfirms(controller: string, ref: string, keyUrl: string, env: VerifyEnv): Promise<boolean> {
  if (!/^https?:\/\//.test(controller) || !URL.canParse(controller)) {
    return false;
  }
  if (new URL(controller).host === new URL(keyUrl).host) {
    return true;
  }
  return controllerListsKey(controller, ref, env);
}

/**
 * Whether the controller's document, read from its own (https) address, lists the verification method `ref` (by id or
 * as an object with that id). A key that only names its controller (`<controller>#<multibase>`) proves nothing until
 * then: anyone can write any controller in front of their own key. False without the network.
 */
export async function controllerListsKey(controller: string, ref: string, env: VerifyEnv): Promise<boolean> {
  if (!/^https?:\/\//.test(controller) || !URL.canParse(controller)) {
    return false;
  }
  const fetched = await fetchJsonObject(controller, env);
  if (!fetched.ok) {
    return false;
  }
  const listed = [fetched.value.verificationMethod, fetched.value.assertionMethod, fetched.value.publicKey].flatMap(
    (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]),
  );
  return listed.some((k) => k === ref || (typeof k === "object" && k !== null && (k as { id?: unknown }).id === ref));
}
