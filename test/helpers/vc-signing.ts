import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as EcdsaMultikey from "@digitalbazaar/ecdsa-multikey";
import { cryptosuite as ecdsaRdfc2019 } from "@digitalbazaar/ecdsa-rdfc-2019-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { createSignCryptosuite as eddsaJcs2022 } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { CompactSign, exportJWK, generateKeyPair, type JWK } from "jose";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { ed25519ToMultibase } from "../../src/verify/multibase.js";

/**
 * Credentials and presentations signed as other issuers and holders sign them: did:key (Ed25519, P-256) and did:jwk
 * keys made by each test, and the stock @digitalbazaar suites (vc.issue, vc.signPresentation, a suite's createProof
 * for proof chains), or jose for VC-JOSE-COSE tokens. Nothing here touches Laurel's own keys.
 */

export type Json = Record<string, any>;
export type Suite = "eddsa-rdfc-2022" | "eddsa-jcs-2022" | "ecdsa-rdfc-2019" | "Ed25519Signature2020";
export type DidKey = { did: string; vm: string; kind: "Ed25519" | "P-256"; signer: () => any };

const loader = createDocumentLoader();
export const VC1 = "https://www.w3.org/2018/credentials/v1";
export const VC2 = "https://www.w3.org/ns/credentials/v2";
export const ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1";
export const DI_V2 = "https://w3id.org/security/data-integrity/v2";

export async function ed25519DidKey(): Promise<DidKey> {
  const key: any = await Ed25519Multikey.generate();
  key.controller = `did:key:${key.publicKeyMultibase}`;
  key.id = `${key.controller}#${key.publicKeyMultibase}`;
  return { did: key.controller, vm: key.id, kind: "Ed25519", signer: () => key.signer() };
}

export async function p256DidKey(): Promise<DidKey> {
  const key = await EcdsaMultikey.generate({ curve: "P-256" });
  const { publicKeyMultibase } = await key.export({ publicKey: true });
  key.controller = `did:key:${publicKeyMultibase}`;
  key.id = `${key.controller}#${publicKeyMultibase}`;
  return { did: key.controller, vm: key.id, kind: "P-256", signer: () => key.signer() };
}

function suiteFor(name: Suite, key: DidKey, date: Date): any {
  const options = { signer: key.signer(), date };
  switch (name) {
    case "eddsa-rdfc-2022":
      return new DataIntegrityProof({ ...options, cryptosuite: eddsaRdfc2022 });
    case "eddsa-jcs-2022":
      return new DataIntegrityProof({ ...options, cryptosuite: eddsaJcs2022() });
    case "ecdsa-rdfc-2019":
      return new DataIntegrityProof({ ...options, cryptosuite: ecdsaRdfc2019 });
    case "Ed25519Signature2020":
      return new Ed25519Signature2020(options);
  }
}

/** A VC Data Model 2.0 credential of `issuer` (no proof), with examples-context claims. */
export function credentialV2(issuer: string, extra: Json = {}): Json {
  return {
    "@context": [VC2, "https://www.w3.org/ns/credentials/examples/v2"],
    id: "urn:uuid:8a8c3e34-63a2-4f0e-9c3c-3b1d51d0f001",
    type: ["VerifiableCredential", "ExampleAlumniCredential"],
    issuer,
    validFrom: "2026-01-01T00:00:00Z",
    credentialSubject: { id: "did:example:ebfeb1f712ebc6f1c276e12ec21", alumniOf: "The School of Examples" },
    ...extra,
  };
}

/** A VC Data Model 1.1 credential of `issuer` (no proof), with the 1.1 examples context. */
export function credentialV1(issuer: string, extra: Json = {}): Json {
  return {
    "@context": [VC1, "https://www.w3.org/2018/credentials/examples/v1"],
    id: "http://example.edu/credentials/1872",
    type: ["VerifiableCredential", "AlumniCredential"],
    issuer,
    issuanceDate: "2026-01-01T00:00:00Z",
    credentialSubject: { id: "did:example:ebfeb1f712ebc6f1c276e12ec21", alumniOf: "Example University" },
    ...extra,
  };
}

/** Adds a proof (`vc.issue`: to a signed credential it appends one, making a proof set). */
export async function sign(credential: Json, key: DidKey, suite: Suite, date = new Date("2026-02-01T00:00:00Z")) {
  return (await vc.issue({ credential, suite: suiteFor(suite, key, date), documentLoader: loader, now: date })) as Json;
}

/**
 * Adds a proof made with `options` (an `id`, a `previousProof`): a chained proof signs the document with exactly the
 * proofs it names in its `proof` (VC Data Integrity, Add Proof Set/Chain), then joins the others.
 */
export async function addProof(
  document: Json,
  key: DidKey,
  suite: Suite,
  options: { id?: string; previousProof?: string | string[]; purpose?: string; challenge?: string; domain?: string },
) {
  const existing: Json[] = document.proof === undefined ? [] : [document.proof].flat();
  const named = [options.previousProof ?? []].flat();
  const matching = existing.filter((p) => named.includes(p.id));
  const { proof: _proofs, ...unsecured } = document;
  const input = matching.length > 0 ? { ...unsecured, proof: matching } : unsecured;
  const instance = suiteFor(suite, key, new Date("2026-02-01T00:00:00Z"));
  const { purpose = "assertionMethod", ...fields } = options;
  instance.proof = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const proof = await instance.createProof({
    document: input,
    purpose: { update: async (p: Json) => ({ ...p, proofPurpose: purpose }) },
    proofSet: existing,
    documentLoader: loader,
  });
  return { ...unsecured, proof: [...existing, proof] } as Json;
}

/** A signed presentation of `credentials` by `holder` (`vc.signPresentation`: purpose authentication). */
export async function signPresentation(
  credentials: unknown[],
  holder: DidKey,
  options: { challenge: string; domain?: string; suite?: Suite; holderId?: string | null },
) {
  const presentation: Json = {
    "@context": [VC2],
    type: ["VerifiablePresentation"],
    ...(options.holderId === null ? {} : { holder: options.holderId ?? holder.did }),
    verifiableCredential: credentials,
  };
  return (await (vc as any).signPresentation({
    presentation,
    suite: suiteFor(options.suite ?? "eddsa-rdfc-2022", holder, new Date("2026-02-01T00:00:00Z")),
    challenge: options.challenge,
    domain: options.domain,
    documentLoader: loader,
  })) as Json;
}

/** A did:jwk (or Ed25519 did:key) issuer that signs VC-JOSE-COSE tokens with jose. */
export async function joseIssuer(alg: "ES256" | "EdDSA") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = (await exportJWK(publicKey)) as JWK;
  const did =
    alg === "ES256"
      ? `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString("base64url")}`
      : `did:key:${ed25519ToMultibase(new Uint8Array(Buffer.from(jwk.x as string, "base64url")))}`;
  const kid = alg === "ES256" ? `${did}#0` : `${did}#${did.slice("did:key:".length)}`;
  const signJwt = (payload: unknown, header: Json = {}) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg, kid, typ: "vc+jwt", cty: "vc", ...header })
      .sign(privateKey);
  return { did, kid, signJwt };
}

/** The VC API's envelope of a token: `{type: EnvelopedVerifiableCredential, id: data:<media type>,<token>}`. */
export function envelope(token: string, mediaType = "application/vc+jwt"): Json {
  return { "@context": [VC2], type: "EnvelopedVerifiableCredential", id: `data:${mediaType},${token}` };
}

/** The same document with one character of `path`'s string value changed (a byte of the signed content). */
export function tamper(document: Json, path: (string | number)[]): Json {
  const copy = structuredClone(document);
  let at: any = copy;
  for (const step of path.slice(0, -1)) {
    at = at[step];
  }
  const last = path.at(-1) as string | number;
  const value = String(at[last]);
  const i = Math.floor(value.length / 2);
  at[last] = value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1);
  return copy;
}
