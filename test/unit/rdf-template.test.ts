import { beforeAll, describe, expect, it } from "vitest";
import { type CanonizeOutcome, createCanonize, stockCanonize } from "../../src/crypto/canonize.js";
import { readShape, type Shape } from "../../src/crypto/json-ld-shape.js";
import { type Quad, replayRdf } from "../../src/crypto/rdf-template.js";
import { CREDENTIAL_SHAPES, credentialFor, type SigningFixture, signingFixture } from "./data-integrity-fixtures.js";
import { jsonLd, learnRdf, rdfOptions, taggedCredential } from "./rdf-fixtures.js";

/**
 * The RDF dataset replayed from a template (rdf-template.ts) is the one jsonld's toRDF gives, as a set, and the
 * canonical form is the stock one; where toRDF would merge quads, or a param is not copied as it is, toRDF runs.
 */

let fx: SigningFixture;
beforeAll(async () => {
  fx = await signingFixture();
});

/** A quad as one line of text (its blank node labels kept: the same probe labels them alike). */
const line = (q: Quad) =>
  [q.subject, q.predicate, q.object, q.graph]
    .map((t) => `${t.termType}|${t.value}|${t.datatype?.value ?? ""}|${t.language ?? ""}`)
    .join(" ");

async function canonizeTwice(documents: Record<string, unknown>[]) {
  const paths: CanonizeOutcome[] = [];
  const canonize = createCanonize({ observe: (outcome) => paths.push(outcome) });
  const options = { documentLoader: fx.documentLoader, base: null, safe: true };
  const results: { fast: string; stock: string }[] = [];
  for (const document of documents) {
    results.push({ fast: await canonize(document, options), stock: await stockCanonize(document, options) });
  }
  return { results, paths };
}

describe("the replayed RDF dataset", () => {
  it("is toRDF's dataset of the expanded document, for every catalog certification in every shape", async () => {
    let compared = 0;
    for (const shapeOptions of Object.values(CREDENTIAL_SHAPES)) {
      const [first, second] = fx.catalog.entries.slice(0, 2);
      const learnt = await learnRdf(fx, credentialFor(fx, first!, shapeOptions) as unknown as Record<string, unknown>);
      const other = credentialFor(fx, second!, shapeOptions) as unknown as Record<string, unknown>;
      const shape = readShape(other) as Shape;
      if (shape.key !== learnt.shape.key) {
        continue; // another shape (another number of results, say): learnt on its own elsewhere
      }
      const replayed = replayRdf(learnt.rdf, shape.params) as Quad[];
      const stock = (await jsonLd.toRDF(other, rdfOptions(fx))) as Quad[];
      expect(replayed.map(line).sort()).toEqual(stock.map(line).sort());
      compared += 1;
    }
    expect(compared).toBeGreaterThan(Object.keys(CREDENTIAL_SHAPES).length / 2);
  });

  it("takes every credential of the catalog through the replay, with the stock canonical form", async () => {
    const documents = fx.catalog.entries.flatMap((entry) =>
      Object.values(CREDENTIAL_SHAPES).map(
        (shape) => credentialFor(fx, entry, shape) as unknown as Record<string, unknown>,
      ),
    );
    const { results, paths } = await canonizeTwice(documents);
    for (const { fast, stock } of results) {
      expect(fast).toBe(stock);
    }
    expect(paths.filter((p) => p.path === "full" || p.toRdf !== undefined)).toEqual([]);
  });
});

describe("where the replay cannot be proven, toRDF runs and the canonical form is the stock one", () => {
  it("one value given twice to a property (toRDF keeps one quad)", async () => {
    const withTags = taggedCredential(fx);
    const { results, paths } = await canonizeTwice([withTags(["a", "b"]), withTags(["same", "same"])]);
    expect(results[1]?.fast).toBe(results[1]?.stock);
    expect(paths.map((p) => (p.path === "template" ? (p.toRdf ?? "replayed") : p.reason))).toEqual([
      "replayed",
      "two quads would be equal",
    ]);
  });

  it("two nodes with one id and the same name (toRDF merges them)", async () => {
    const base = credentialFor(fx, fx.catalog.entries[0]!, {}) as unknown as Record<string, any>;
    const merged = (id: string, name: string) => ({
      ...base,
      issuer: { ...base.issuer, id, name },
      credentialSubject: {
        ...base.credentialSubject,
        achievement: { ...base.credentialSubject.achievement, creator: { ...base.issuer, id, name } },
      },
    });
    const { results, paths } = await canonizeTwice([
      merged("https://a.example/issuer", "A"),
      merged("https://b.example/issuer", "B"),
    ]);
    // The issuer and the achievement's creator: the same node twice, whatever its id; the template is learnt with
    // both, so the second document (the same node again) replays with its duplicates found.
    for (const { fast, stock } of results) {
      expect(fast).toBe(stock);
    }
    expect(paths.every((p) => p.path === "template")).toBe(true);
    expect(paths.at(-1)).toMatchObject({ path: "template", toRdf: "two quads would be equal" });
  });

  it("a document whose replay would compare too many pairs of quads (a long list of tags)", async () => {
    const base = credentialFor(fx, fx.catalog.entries[0]!, {}) as unknown as Record<string, any>;
    const tags = Array.from({ length: 60 }, (_, i) => `tag ${i}`);
    const document = {
      ...base,
      credentialSubject: {
        ...base.credentialSubject,
        achievement: { ...base.credentialSubject.achievement, tag: tags },
      },
    };
    const { results, paths } = await canonizeTwice([document, document]);
    for (const { fast, stock } of results) {
      expect(fast).toBe(stock);
    }
    expect(paths.map((p) => p.path === "template" && p.toRdf)).toEqual([
      "too many pairs of quads could be equal",
      "too many pairs of quads could be equal",
    ]);
  });

  it("a string toRDF does not copy (a double given as text is parsed): the template is refused", async () => {
    const base = credentialFor(fx, fx.catalog.entries[0]!, {}) as unknown as Record<string, any>;
    const scored = (score: string) => ({
      ...base,
      "@context": [
        ...base["@context"],
        { score: { "@id": "https://example.org/ns#score", "@type": "http://www.w3.org/2001/XMLSchema#double" } },
      ],
      score,
    });
    const { results, paths } = await canonizeTwice([scored("1.50"), scored("2.25")]);
    for (const { fast, stock } of results) {
      expect(fast).toBe(stock);
    }
    expect(paths.map((p) => p.path === "template" && p.toRdf)).toEqual([
      "a value param is not exactly one literal",
      "a value param is not exactly one literal",
    ]);
  });
});
