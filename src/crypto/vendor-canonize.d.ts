// Narrow declarations for what the canonicaliser (canonize.ts) calls beyond src/crypto/vendor.d.ts.

declare module "rdf-canonize" {
  /** RDF Dataset Canonicalization of a dataset (jsonld.toRDF's output) to canonical N-Quads. */
  export function canonize(dataset: unknown, options: Record<string, unknown>): Promise<string>;
}
