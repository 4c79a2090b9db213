import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { createDocumentLoader } from "../crypto/document-loader.js";
import { MULTIKEY_V1_CONTEXT } from "../domain/contexts.js";
import type { VerifyEnv } from "./environment.js";
import { type ResolvedKey, resolveKey } from "./keys.js";
import { ed25519ToMultibase } from "./multibase.js";
import { errorMessages, type ProofResult, refusedContext } from "./proof-result.js";
import { holdsMoreValuesThan, shown } from "./safe-json.js";

type Suite = "eddsa-rdfc-2022" | "Ed25519Signature2020";

/** More proofs than this are not attempted (each costs a canonicalisation): one modern and one legacy proof. */
const MAX_PROOFS = 2;
/**
 * A credential holding more JSON values than this is not canonicalised: RDF canonicalisation costs grow with the
 * number of statements, and an upload must not buy seconds of CPU. Real badges hold a few hundred (1EdTech's "complete" example: 553).
 */
export const MAX_VALUES_TO_CANONICALISE = 3_000;
/** Dates are the validity check's concern; the library compares none when every difference is within this skew. */
const NO_DATE_CHECKS_SECONDS = 1e13;

function suiteOf(proof: Record<string, unknown>): Suite | undefined {
  if (proof.type === "DataIntegrityProof" && proof.cryptosuite === "eddsa-rdfc-2022") {
    return "eddsa-rdfc-2022";
  }
  return proof.type === "Ed25519Signature2020" ? "Ed25519Signature2020" : undefined;
}

function describeProof(proof: unknown): string {
  const p = proof as { type?: unknown; cryptosuite?: unknown };
  const name = typeof p?.type === "string" ? p.type : "untyped";
  return typeof p?.cryptosuite === "string" ? `${name} (${p.cryptosuite})` : name;
}

export function issuerIdOf(credential: Record<string, unknown>): string | undefined {
  const issuer = credential.issuer as unknown;
  const id = typeof issuer === "string" ? issuer : (issuer as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : undefined;
}

/**
 * Verifies the embedded proofs of a credential: `DataIntegrityProof` / `eddsa-rdfc-2022` and the legacy
 * `Ed25519Signature2020`. Other proof types are skipped; one verified proof suffices (OB 3.0 §8.3). Keys come from our
 * own keyring, did:key, the key-in-fragment form, or (network enabled) did:web and https documents.
 */
export async function verifyEmbeddedProofs(credential: Record<string, unknown>, env: VerifyEnv): Promise<ProofResult> {
  const raw = credential.proof;
  const proofs = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (proofs.length === 0) {
    return {
      outcome: "failed",
      code: "no-proof",
      message: "The credential carries no proof, so nothing shows who issued it or that it is unchanged.",
    };
  }
  if (holdsMoreValuesThan(credential, MAX_VALUES_TO_CANONICALISE)) {
    return {
      outcome: "not-checked",
      code: "too-large",
      message: `The credential holds more than ${MAX_VALUES_TO_CANONICALISE.toLocaleString("en")} values, more than this verifier canonicalises to check a signature.`,
    };
  }
  const skipped: string[] = [];
  const attempts: ProofResult[] = [];
  for (const proof of proofs.slice(0, MAX_PROOFS)) {
    const suite = typeof proof === "object" && proof !== null ? suiteOf(proof as Record<string, unknown>) : undefined;
    if (!suite) {
      skipped.push(describeProof(proof));
      continue;
    }
    const result = await verifyOneProof(credential, proof as Record<string, unknown>, suite, env);
    if (result.outcome === "passed") {
      const also =
        skipped.length > 0 ? ` It also carries ${skipped.join(", ")}, which this verifier does not check.` : "";
      return { ...result, message: result.message + also };
    }
    attempts.push(result);
  }
  const definitive = attempts.find((a) => a.outcome === "failed");
  if (definitive) {
    return definitive;
  }
  if (attempts[0]) {
    return attempts[0];
  }
  return {
    outcome: "not-checked",
    code: "unsupported-proof",
    message: `The credential is signed with ${skipped.join(", ")}, which this verifier does not check.`,
  };
}

async function verifyOneProof(
  credential: Record<string, unknown>,
  proof: Record<string, unknown>,
  suite: Suite,
  env: VerifyEnv,
): Promise<ProofResult> {
  if (proof.proofPurpose !== "assertionMethod") {
    return {
      outcome: "failed",
      code: "wrong-purpose",
      message: `The ${suite} proof is not made for issuing credentials (its purpose is "${shown(proof.proofPurpose)}").`,
    };
  }
  const vmRef =
    typeof proof.verificationMethod === "object"
      ? (proof.verificationMethod as { id?: unknown })?.id
      : proof.verificationMethod;
  if (typeof vmRef !== "string") {
    return { outcome: "failed", code: "no-key", message: `The ${suite} proof does not name the key that made it.` };
  }
  const key = await resolveKey(vmRef, env);
  if (!key.ok) {
    return { outcome: key.outcome, code: key.code, message: `${key.reason}, so the signature could not be checked.` };
  }
  if (!key.ed25519) {
    return {
      outcome: "not-checked",
      code: "unsupported-key",
      message: `${vmRef} is not an Ed25519 key, which ${suite} requires.`,
    };
  }
  return checkSignature(credential, proof, suite, key);
}

async function checkSignature(
  credential: Record<string, unknown>,
  proof: Record<string, unknown>,
  suite: Suite,
  key: ResolvedKey & { ed25519?: Uint8Array },
): Promise<ProofResult> {
  const vmDocument = {
    "@context": MULTIKEY_V1_CONTEXT,
    id: key.id,
    type: "Multikey",
    controller: key.controller ?? key.id,
    publicKeyMultibase: ed25519ToMultibase(key.ed25519 as Uint8Array),
  };
  // The purpose is given the key as authorised: who controls the key is the issuer check's question, asked separately.
  const purpose = new vc.CredentialIssuancePurpose({
    controller: { id: issuerIdOf(credential) ?? key.id, assertionMethod: [key.id] },
  });
  const result = await vc.verifyCredential({
    credential: { ...credential, proof },
    suite:
      suite === "Ed25519Signature2020"
        ? new Ed25519Signature2020()
        : new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: createDocumentLoader(new Map([[key.id, vmDocument]])),
    purpose,
    maxClockSkew: NO_DATE_CHECKS_SECONDS,
    checkStatus: async () => ({ verified: true }),
  });
  if (result.verified) {
    return {
      outcome: "passed",
      code: "verified",
      message: `Signed by ${key.id} (${suite}); the signature matches the credential.`,
      key,
    };
  }
  const messages = errorMessages(result.error);
  const context = refusedContext(messages);
  if (context) {
    return {
      outcome: "not-checked",
      code: "unknown-context",
      message: `The credential uses the JSON-LD context ${context}, which this verifier does not hold, so its signature could not be checked.`,
    };
  }
  if (messages.some((m) => /invalid signature/i.test(m))) {
    return {
      outcome: "failed",
      code: "tampered",
      message: `The signature does not match: the credential was changed after it was signed, or ${key.id} did not sign it.`,
      key,
    };
  }
  if (messages.some((m) => /no matching proofs/i.test(m))) {
    return {
      outcome: "not-checked",
      code: "unsupported-proof",
      message: `The ${suite} proof cannot be checked: the credential does not declare that suite's JSON-LD context.`,
    };
  }
  return {
    outcome: "failed",
    code: "malformed",
    message: `The signature could not be checked because the credential is malformed (${messages[0] ?? "unknown reason"}).`,
  };
}
