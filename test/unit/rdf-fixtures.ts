import jsonld from "jsonld";
import { learnTemplate } from "../../src/crypto/expansion-template.js";
import { readShape, type Shape } from "../../src/crypto/json-ld-shape.js";
import { learnRdfTemplate, type RdfTemplate } from "../../src/crypto/rdf-template.js";
import { credentialFor, type SigningFixture } from "./data-integrity-fixtures.js";

/** What the RDF template and canonicalisation tests share: jsonld's calls and options as the signer makes them. */
type JsonLd = {
  expand(input: unknown, options: Record<string, unknown>): Promise<unknown>;
  toRDF(input: unknown, options: Record<string, unknown>): Promise<unknown>;
};
export const jsonLd = jsonld as unknown as JsonLd;

/** The toRDF options of the signer (RDFC-1.0, safe mode, the bundled contexts only). */
export const rdfOptions = (fx: SigningFixture) => ({
  rdfDirection: "i18n-datatype",
  algorithm: "RDFC-1.0",
  base: null,
  safe: true,
  documentLoader: fx.documentLoader,
  produceGeneralizedRdf: false,
});

/** A document's shape and RDF template, learned as the signer learns them; throws where it would refuse. */
export async function learnRdf(
  fx: SigningFixture,
  document: Record<string, unknown>,
): Promise<{ shape: Shape; rdf: RdfTemplate }> {
  const shape = readShape(document);
  if ("refused" in shape) {
    throw new Error(shape.refused);
  }
  const template = await learnTemplate(document, shape, jsonLd.expand, rdfOptions(fx));
  if ("refused" in template) {
    throw new Error(template.refused);
  }
  const rdf = await learnRdfTemplate(template, jsonLd.toRDF, rdfOptions(fx));
  if ("refused" in rdf) {
    throw new Error(rdf.refused);
  }
  return { shape, rdf };
}

/** The first certification's credential with its achievement's tags replaced: the tests' duplicate-quad case. */
export function taggedCredential(fx: SigningFixture): (tags: string[]) => Record<string, unknown> {
  const base = credentialFor(fx, fx.catalog.entries[0]!, {}) as unknown as Record<string, any>;
  return (tags) => ({
    ...base,
    credentialSubject: {
      ...base.credentialSubject,
      achievement: { ...base.credentialSubject.achievement, tag: tags },
    },
  });
}
