import { shown } from "./safe-json.js";

type Json = Record<string, unknown>;

/** The proofs a proof names as `previousProof`, or what it names that the document does not carry. */
export type PreviousProofs = { ok: true; matching: Json[] } | { ok: false; reason: string };

/**
 * The previous proofs of a proof in a proof chain (VC Data Integrity §4.5, Verify Proof Sets and Chains, step 3.2):
 * `previousProof` is an id or a list of ids, each naming another proof of the same document by its `id`. The proof
 * was made over the document with exactly those proofs in its `proof`, so it is verified that way.
 */
export function previousProofsOf(proof: Json, allProofs: unknown[]): PreviousProofs {
  const named = proof.previousProof;
  if (named === undefined) {
    return { ok: true, matching: [] };
  }
  const ids = Array.isArray(named) ? named : [named];
  if (ids.length === 0 || !ids.every((id) => typeof id === "string" && id !== "")) {
    return { ok: false, reason: `its previousProof (${shown(named)}) is not a proof id or a list of them` };
  }
  const matching: Json[] = [];
  for (const id of ids) {
    const found = allProofs.find((p) => typeof p === "object" && p !== null && (p as Json).id === id);
    if (!found) {
      return { ok: false, reason: `its previousProof names ${shown(id)}, which is not among the document's proofs` };
    }
    matching.push(found as Json);
  }
  return { ok: true, matching };
}

/**
 * Which proofs count as verified once every proof has been checked on its own: a chained proof only when every proof
 * it names (and every proof those name) verified too (VC Data Integrity, Verify Proof Sets and Chains).
 */
export function chainedVerified(allProofs: unknown[], verified: boolean[]): boolean[] {
  const byId = new Map<unknown, number>();
  allProofs.forEach((p, i) => {
    if (typeof p === "object" && p !== null && (p as Json).id !== undefined) {
      byId.set((p as Json).id, i);
    }
  });
  const result = [...verified];
  let changed = true;
  while (changed) {
    changed = false;
    allProofs.forEach((p, i) => {
      const named = typeof p === "object" && p !== null ? (p as Json).previousProof : undefined;
      const refs = named === undefined ? [] : Array.isArray(named) ? named : [named];
      if (result[i] && refs.some((id) => !result[byId.get(id) ?? -1])) {
        result[i] = false;
        changed = true;
      }
    });
  }
  return result;
}
