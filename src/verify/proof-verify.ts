import { MULTIKEY_V1_CONTEXT } from "../domain/contexts.js";
import type { VerifyEnv } from "./environment.js";
import { type ResolvedKey, resolveKey } from "./keys.js";
import { ed25519ToMultibase } from "./multibase.js";
import { p256ToMultibase } from "./p256-multikey.js";
import { previousProofsOf } from "./proof-chain.js";
import { type ProofResult, refusedContext } from "./proof-result.js";
import type { ProofSuite } from "./proof-suites.js";
import { shown } from "./safe-json.js";
import { checkSignature, type SignatureCheck } from "./signature-check.js";

type Json = Record<string, unknown>;

/** What the proof must be for: issuing a credential, or authenticating the holder of a presentation. */
export type ProofPurpose = "assertionMethod" | "authentication";

/** One proof to check, within the document that carries it (with all its proofs, for chains). */
export type ProofToCheck = { document: Json; proof: Json; allProofs: unknown[]; suite: ProofSuite };

const WHAT: Record<ProofPurpose, { made: string; signed: string }> = {
  assertionMethod: { made: "issuing credentials", signed: "credential" },
  authentication: { made: "authentication (presenting)", signed: "presentation" },
};

function multikeyDocument(key: ResolvedKey, suite: ProofSuite): Json | undefined {
  const multibase =
    suite.key === "Ed25519"
      ? key.ed25519 && (key.ed25519Multibase ?? ed25519ToMultibase(key.ed25519))
      : p256ToMultibase(key.jwk);
  if (!multibase) {
    return undefined;
  }
  const controller = key.controller ?? key.id;
  return { "@context": MULTIKEY_V1_CONTEXT, id: key.id, type: "Multikey", controller, publicKeyMultibase: multibase };
}

/**
 * Verifies one proof with its suite (VC Data Integrity §4.3 Verify Proof, with §4.5's previous proofs for a chain):
 * its purpose, its key (resolved offline, or over the network when enabled), and its signature over the document
 * without its proofs, or with exactly the proofs it names as `previousProof`. An invalid proof is a result.
 */
export async function verifyOneProof(check: ProofToCheck, purpose: ProofPurpose, env: VerifyEnv): Promise<ProofResult> {
  const { proof, suite } = check;
  const what = WHAT[purpose];
  if (proof.proofPurpose !== purpose) {
    const message = `The ${suite.name} proof is not made for ${what.made} (its purpose is "${shown(proof.proofPurpose)}").`;
    return { outcome: "failed", code: "wrong-purpose", message };
  }
  const vmRef =
    typeof proof.verificationMethod === "object" ? (proof.verificationMethod as Json)?.id : proof.verificationMethod;
  if (typeof vmRef !== "string") {
    return {
      outcome: "failed",
      code: "no-key",
      message: `The ${suite.name} proof does not name the key that made it.`,
    };
  }
  const previous = previousProofsOf(proof, check.allProofs);
  if (!previous.ok) {
    return {
      outcome: "failed",
      code: "chain-broken",
      message: `The ${suite.name} proof cannot be checked: ${previous.reason}.`,
    };
  }
  if (typeof proof.expires === "string" && Date.parse(proof.expires) < env.now.getTime()) {
    return {
      outcome: "failed",
      code: "proof-expired",
      message: `The ${suite.name} proof expired on ${proof.expires}.`,
    };
  }
  const key = await resolveKey(vmRef, env);
  if (!key.ok) {
    return { outcome: key.outcome, code: key.code, message: `${key.reason}, so the signature could not be checked.` };
  }
  const vmDocument = multikeyDocument(key, suite);
  if (!vmDocument) {
    const message = `${vmRef} is not an ${suite.key} key, which ${suite.name} requires.`;
    return { outcome: "not-checked", code: "unsupported-key", message };
  }
  const { proof: _all, ...unsecured } = check.document;
  const document = previous.matching.length > 0 ? { ...unsecured, proof: previous.matching } : unsecured;
  // the RDF suites read the proof under the document's contexts (jsonld-signatures adds them); JCS hashes it as given
  const asGiven = suite.jcs ? { ...proof } : { "@context": document["@context"], ...proof };
  const signature: SignatureCheck = {
    suite: suite.name,
    proof: asGiven,
    document,
    proofSet: check.allProofs,
    keyId: key.id,
    vmDocument,
  };
  const outcome = (await env.checkSignature?.(signature)) ?? (await checkSignature(signature));
  if (!outcome.matched) {
    const message = `The ${suite.name} proof cannot be checked: the ${what.signed} does not declare that suite's JSON-LD context.`;
    return { outcome: "not-checked", code: "unsupported-proof", message };
  }
  if (outcome.verified) {
    const message = `Signed by ${key.id} (${suite.name}); the signature matches the ${what.signed}.`;
    return { outcome: "passed", code: "verified", message, key };
  }
  return failure(outcome.messages, suite, key, what.signed);
}

function failure(messages: string[], suite: ProofSuite, key: ResolvedKey, signed: string): ProofResult {
  const context = refusedContext(messages);
  if (context) {
    return {
      outcome: "not-checked",
      code: "unknown-context",
      message: `The ${signed} uses the JSON-LD context ${context}, which this verifier does not hold, so its signature could not be checked.`,
    };
  }
  if (messages.some((m) => /invalid signature/i.test(m))) {
    return {
      outcome: "failed",
      code: "tampered",
      message: `The ${suite.name} signature does not match: the ${signed} was changed after it was signed, or ${key.id} did not sign it.`,
      key,
    };
  }
  return {
    outcome: "failed",
    code: "malformed",
    message: `The ${suite.name} signature could not be checked because the ${signed} or its proof is malformed (${messages[0] ?? "unknown reason"}).`,
    key,
  };
}
