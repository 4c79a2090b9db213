import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as ecdsaRdfc2019 } from "@digitalbazaar/ecdsa-rdfc-2019-cryptosuite";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { createVerifyCryptosuite as createEddsaJcs2022 } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import { verifyingCryptosuite } from "../crypto/data-integrity.js";

/** A suite the library provides, with what it verifies: the key type it needs and whether its proofs are JCS. */
export type ProofSuite = {
  /** How a message names it, e.g. "eddsa-rdfc-2022" or "Ed25519Signature2020". */
  name: string;
  key: "Ed25519" | "P-256";
  /** JCS suites hash the proof as given; the RDF ones get the document's `@context` (as jsonld-signatures does). */
  jcs: boolean;
  /** A verifier instance of the stock suite (`verifyProof`, `matchProof`). */
  create(): SuiteInstance;
};

export type SuiteInstance = {
  matchProof(options: { proof: unknown; document: unknown; documentLoader: unknown }): Promise<boolean>;
  verifyProof(options: {
    proof: Record<string, unknown>;
    document: Record<string, unknown>;
    proofSet: unknown[];
    purpose: unknown;
    documentLoader: unknown;
  }): Promise<{ verified: boolean; error?: unknown }>;
};

const asInstance = (suite: unknown) => suite as SuiteInstance;

// Created per verification: the library's suites keep per-document caches (DataIntegrityProof's hash of the last
// document), so none is shared across requests. The eddsa-rdfc-2022 cryptosuite is our fast one (crypto/data-integrity.ts, the verifiers' own instance):
// the stock algorithm with JSON-LD expansion replayed per document shape, falling back to the stock path by itself.
const SUITES: Record<string, ProofSuite> = {
  "eddsa-rdfc-2022": {
    name: "eddsa-rdfc-2022",
    key: "Ed25519",
    jcs: false,
    create: () => asInstance(new DataIntegrityProof({ cryptosuite: verifyingCryptosuite })),
  },
  "eddsa-jcs-2022": {
    name: "eddsa-jcs-2022",
    key: "Ed25519",
    jcs: true,
    create: () => asInstance(new DataIntegrityProof({ cryptosuite: createEddsaJcs2022() })),
  },
  "ecdsa-rdfc-2019": {
    name: "ecdsa-rdfc-2019",
    key: "P-256",
    jcs: false,
    create: () => asInstance(new DataIntegrityProof({ cryptosuite: ecdsaRdfc2019 })),
  },
  Ed25519Signature2020: {
    name: "Ed25519Signature2020",
    key: "Ed25519",
    jcs: false,
    create: () => asInstance(new Ed25519Signature2020()),
  },
};

/** The suite of that name (`ProofSuite.name`), or undefined. */
export function suiteNamed(name: string): ProofSuite | undefined {
  return Object.hasOwn(SUITES, name) ? SUITES[name] : undefined;
}

/** The proof types and cryptosuites this verifier checks, as a reader would list them. */
export const SUPPORTED_PROOFS = [
  "DataIntegrityProof (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019)",
  "Ed25519Signature2020",
];

/** The suite that verifies a proof, by its `type` (and `cryptosuite`), or undefined when none of ours does. */
export function suiteOf(proof: Record<string, unknown>): ProofSuite | undefined {
  if (proof.type === "DataIntegrityProof" && typeof proof.cryptosuite === "string") {
    return Object.hasOwn(SUITES, proof.cryptosuite) ? SUITES[proof.cryptosuite] : undefined;
  }
  return proof.type === "Ed25519Signature2020" ? SUITES.Ed25519Signature2020 : undefined;
}

/** "DataIntegrityProof (eddsa-jcs-2022)", "Ed25519Signature2020", "untyped": how a message names a proof. */
export function describeProof(proof: unknown): string {
  const p = proof as { type?: unknown; cryptosuite?: unknown };
  const name = typeof p?.type === "string" ? p.type : "untyped";
  return typeof p?.cryptosuite === "string" ? `${name} (${p.cryptosuite})` : name;
}
