import { createDocumentLoader } from "../crypto/document-loader.js";
import { errorMessages } from "./proof-result.js";
import { suiteNamed } from "./proof-suites.js";

type Json = Record<string, unknown>;

/**
 * The costly, self-contained part of checking one embedded proof: the suite's `matchProof` and `verifyProof` (the
 * document and the proof options canonicalised, hashed, the signature checked) with a document loader serving the
 * bundled contexts and the one verification method resolved before. Plain data in and out (structured-cloned to a
 * signing worker: verify/signature-pool.ts), so it gives the same answer on any thread: everything that reads the
 * network, the clock or our keys (the purpose, the key's resolution, a proof's expiry) was decided by the caller.
 */
export type SignatureCheck = {
  /** The suite's name (proof-suites.ts: a cryptosuite's name, or "Ed25519Signature2020"). */
  suite: string;
  /** The proof as the suite reads it (with the document's `@context` for the RDF suites). */
  proof: Json;
  /** The document without its proofs, or with exactly the previous proofs the proof names. */
  document: Json;
  proofSet: unknown[];
  /** The verification method's id and its Multikey document, served by the loader. */
  keyId: string;
  vmDocument: Json;
};

/**
 * What the suite said: the document does not declare the suite's context (`matched: false`), the signature verifies,
 * or it does not, with every message of the error (proof-result.ts errorMessages: made where the error was thrown,
 * since an error's nested causes do not survive a structured clone).
 */
export type SignatureOutcome =
  | { matched: false }
  | { matched: true; verified: true }
  | { matched: true; verified: false; messages: string[] };

/** Checks one proof's signature here (the main thread, or a worker for it). */
export async function checkSignature(check: SignatureCheck): Promise<SignatureOutcome> {
  const suite = suiteNamed(check.suite);
  if (!suite) {
    return { matched: true, verified: false, messages: [`no suite named ${check.suite}`] };
  }
  const { proof, document, proofSet } = check;
  const documentLoader = createDocumentLoader(new Map([[check.keyId, check.vmDocument]]));
  const instance = suite.create();
  let outcome: { verified: boolean; error?: unknown };
  try {
    if (!(await instance.matchProof({ proof, document, documentLoader }))) {
      return { matched: false };
    }
    outcome = await instance.verifyProof({ proof, document, proofSet, purpose: PASS_PURPOSE, documentLoader });
  } catch (error) {
    outcome = { verified: false, error };
  }
  return outcome.verified
    ? { matched: true, verified: true }
    : { matched: true, verified: false, messages: errorMessages(outcome.error) };
}

// jsonld-signatures' verify() matches the purpose itself and validates it after verifyProof; the purpose is checked
// by the caller instead (the proof's purpose; who controls the key is the issuer or holder check's question).
const PASS_PURPOSE = { validate: async () => ({ valid: true }) };

/** Signature checks a signing worker makes for the main thread, several per round trip (verify/signature-queue.ts). */
export type SignatureTask = { kind: "signatures"; checks: SignatureCheck[] };
/** Each check's outcome in order, or null where checking it threw (the caller then checks it on its own thread). */
export type SignatureTaskOutcome = Array<SignatureOutcome | null>;

/** Runs a signature task (on a worker thread; callable anywhere), one check after the other. */
export async function runSignatureTask(task: SignatureTask): Promise<SignatureTaskOutcome> {
  const outcomes: SignatureTaskOutcome = [];
  for (const check of task.checks) {
    outcomes.push(await checkSignature(check).catch(() => null));
  }
  return outcomes;
}
