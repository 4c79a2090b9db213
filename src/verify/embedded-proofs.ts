import * as vc from "@digitalbazaar/vc";
import type { VerifyEnv } from "./environment.js";
import type { ResolvedKey } from "./keys.js";
import { isOpenBadgeCredential } from "./open-badge.js";
import { chainedVerified } from "./proof-chain.js";
import type { ProofResult } from "./proof-result.js";
import { describeProof, suiteOf } from "./proof-suites.js";
import { type ProofPurpose, verifyOneProof } from "./proof-verify.js";
import { holdsMoreValuesThan } from "./safe-json.js";

type Json = Record<string, unknown>;

/** More proofs than this are not checked (each costs a canonicalisation): a set or chain of four at most. */
export const MAX_PROOFS = 4;
/**
 * A credential holding more JSON values than this is not canonicalised: RDF canonicalisation costs grow with the
 * number of statements, and an upload must not buy seconds of CPU. Real badges hold a few hundred (1EdTech's "complete" example: 553).
 */
export const MAX_VALUES_TO_CANONICALISE = 3_000;
/** Dates are the validity check's concern; the library compares none when every difference is within this skew. */
const NO_DATE_CHECKS_SECONDS = 1e13;

/**
 * How a document's proofs combine: "all" (VC Data Integrity proof sets and chains: every proof must verify) or "any"
 * (Open Badges 3.0 §8.3 as this verifier has always read it: one verified proof suffices, other types are named).
 */
export type ProofPolicy = "all" | "any";

export type EmbeddedProofOptions = {
  purpose?: ProofPurpose;
  /** Default: "any" for Open Badges credentials, "all" for everything else. */
  policy?: ProofPolicy;
  /** Whose key a passed result names when several signed (the issuer, the holder): theirs first. */
  signer?: string;
  maxValues?: number;
};

export function issuerIdOf(credential: Json): string | undefined {
  const issuer = credential.issuer as unknown;
  const id = typeof issuer === "string" ? issuer : (issuer as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : undefined;
}

/** The library's credential checks (shape, issuer URL, typed objects), as it ran them before every Open Badges proof. */
function libraryCredentialCheck(credential: Json): ProofResult | undefined {
  try {
    vc._checkCredential({ credential, mode: "verify", maxClockSkew: NO_DATE_CHECKS_SECONDS });
    return undefined;
  } catch (error) {
    const reason = (error as Error).message;
    const message = `The signature could not be checked because the credential is malformed (${reason}).`;
    return { outcome: "failed", code: "malformed", message };
  }
}

/**
 * Verifies the embedded proofs of a credential or presentation: `DataIntegrityProof` with eddsa-rdfc-2022,
 * eddsa-jcs-2022 or ecdsa-rdfc-2019, and the legacy `Ed25519Signature2020`; proof sets and chains (`previousProof`).
 * Keys come from our own keyring, did:key (Ed25519, P-256), did:jwk, the key-in-fragment form, or (network enabled)
 * did:web and https documents.
 */
export async function verifyEmbeddedProofs(
  document: Json,
  env: VerifyEnv,
  options: EmbeddedProofOptions = {},
): Promise<ProofResult> {
  const purpose = options.purpose ?? "assertionMethod";
  const subject = purpose === "authentication" ? "presentation" : "credential";
  const openBadge = purpose === "assertionMethod" && isOpenBadgeCredential(document);
  const policy = options.policy ?? (openBadge ? "any" : "all");
  const raw = document.proof;
  const proofs = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (proofs.length === 0) {
    return {
      outcome: "failed",
      code: "no-proof",
      message: `The ${subject} carries no proof, so nothing shows who ${subject === "credential" ? "issued" : "presented"} it or that it is unchanged.`,
    } satisfies ProofResult;
  }
  const maxValues = options.maxValues ?? MAX_VALUES_TO_CANONICALISE;
  if (holdsMoreValuesThan(document, maxValues)) {
    return {
      outcome: "not-checked",
      code: "too-large",
      message: `The ${subject} holds more than ${maxValues.toLocaleString("en")} values, more than this verifier canonicalises to check a signature.`,
    } satisfies ProofResult;
  }
  if (policy === "all" && proofs.length > MAX_PROOFS) {
    const message = `The ${subject} carries ${proofs.length} proofs; this verifier checks a set or chain of at most ${MAX_PROOFS}.`;
    return { outcome: "not-checked", code: "too-many-proofs", message } satisfies ProofResult;
  }
  const checked = proofs.slice(0, MAX_PROOFS);
  const results: Array<ProofResult | undefined> = [];
  for (const proof of checked) {
    const suite = typeof proof === "object" && proof !== null ? suiteOf(proof as Json) : undefined;
    if (!suite) {
      results.push(undefined);
      continue;
    }
    const gate = openBadge && !results.some((r) => r !== undefined) ? libraryCredentialCheck(document) : undefined;
    if (gate) {
      return gate;
    }
    results.push(await verifyOneProof({ document, proof: proof as Json, allProofs: proofs, suite }, purpose, env));
  }
  const linked = chainedVerified(
    checked,
    results.map((r) => r?.outcome === "passed"),
  );
  const final = results.map((r, i) =>
    r?.outcome === "passed" && !linked[i]
      ? ({
          outcome: "failed",
          code: "chain-broken",
          message: "A proof it names as its previous proof did not verify, so neither does this link of the chain.",
        } satisfies ProofResult)
      : r,
  );
  return policy === "any" ? anyProof(checked, final, subject) : allProofs(checked, final, subject, options.signer);
}

function anyProof(proofs: unknown[], results: Array<ProofResult | undefined>, subject: string): ProofResult {
  const skipped = proofs.filter((_, i) => results[i] === undefined).map(describeProof);
  const passed = results.find((r) => r?.outcome === "passed");
  if (passed) {
    const also =
      skipped.length > 0 ? ` It also carries ${skipped.join(", ")}, which this verifier does not check.` : "";
    return { ...passed, message: passed.message + also };
  }
  const attempted = results.filter((r): r is ProofResult => r !== undefined);
  return (
    attempted.find((a) => a.outcome === "failed") ??
    attempted[0] ?? {
      outcome: "not-checked",
      code: "unsupported-proof",
      message: `The ${subject} is signed with ${skipped.join(", ")}, which this verifier does not check.`,
    }
  );
}

function named(proof: unknown, index: number, count: number): string {
  const id = (proof as { id?: unknown })?.id;
  return `Proof ${index + 1} of ${count} (${describeProof(proof)}${typeof id === "string" ? `, ${id}` : ""})`;
}

function allProofs(
  proofs: unknown[],
  results: Array<ProofResult | undefined>,
  subject: string,
  signer: string | undefined,
): ProofResult {
  const single = proofs.length === 1;
  const unsupported = (i: number): ProofResult => ({
    outcome: "not-checked",
    code: "unsupported-proof",
    message: `${single ? `The ${subject} is signed with ${describeProof(proofs[i])}` : `${named(proofs[i], i, proofs.length)} is of a kind`}, which this verifier does not check.`,
  });
  const all = results.map((r, i) => r ?? unsupported(i));
  const worst = all.findIndex((r) => r.outcome === "failed");
  const unknown = all.findIndex((r) => r.outcome === "not-checked");
  const blocking = worst >= 0 ? worst : unknown;
  if (blocking >= 0) {
    const result = all[blocking] as ProofResult;
    const unsupportedNow = results[blocking] === undefined;
    return single || unsupportedNow
      ? result
      : { ...result, message: `${named(proofs[blocking], blocking, proofs.length)}: ${result.message}` };
  }
  if (single) {
    return all[0] as ProofResult;
  }
  const keys = all.map((r) => r.key).filter((k): k is ResolvedKey => k !== undefined);
  const key = keys.find((k) => k.controller !== undefined && k.controller === signer) ?? keys[0];
  const each = all.map((r, i) => `${named(proofs[i], i, proofs.length)} by ${r.key?.id ?? "its key"}`).join("; ");
  return {
    outcome: "passed",
    code: "verified",
    message: `All ${proofs.length} proofs verify (every proof of a set or chain must): ${each}.`,
    ...(key ? { key } : {}),
  };
}
