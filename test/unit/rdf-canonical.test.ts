import * as rdfCanonize from "rdf-canonize";
import { beforeAll, describe, expect, it } from "vitest";
import { readShape, type Shape } from "../../src/crypto/json-ld-shape.js";
import { canonicalPlan, canonizeReplayed, canonizeUniqueDataset } from "../../src/crypto/rdf-canonical.js";
import { type Quad, type RdfTerm, replayRdf } from "../../src/crypto/rdf-template.js";
import {
  CREDENTIAL_SHAPES,
  credentialFor,
  NAMES,
  ODD_TEXT,
  type SigningFixture,
  signingFixture,
} from "./data-integrity-fixtures.js";
import { jsonLd, learnRdf, rdfOptions, taggedCredential } from "./rdf-fixtures.js";

/**
 * The canonical N-Quads written by rdf-canonical.ts are rdf-canonize's, byte for byte, or it declines (undefined) and
 * the library decides: for the datasets of every credential shape the service signs, replayed from their templates
 * one after the other (the plan's memo carried from one to the next), and for datasets made to reach every branch of
 * the library's serialiser and of RDFC-1.0's first-degree step.
 */

let fx: SigningFixture;
beforeAll(async () => {
  fx = await signingFixture();
});

const stock = (dataset: unknown) =>
  rdfCanonize.canonize(dataset, { algorithm: "RDFC-1.0", format: "application/n-quads" });

const named = (value: string): RdfTerm => ({ termType: "NamedNode", value });
const blank = (value: string): RdfTerm => ({ termType: "BlankNode", value });
const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
const literal = (value: string, datatype = XSD_STRING, language?: string): RdfTerm => ({
  termType: "Literal",
  value,
  datatype: named(datatype),
  ...(language === undefined ? {} : { language }),
});
const DEFAULT: RdfTerm = { termType: "DefaultGraph", value: "" };
const quad = (subject: RdfTerm, predicate: RdfTerm, object: RdfTerm, graph = DEFAULT): Quad => ({
  subject,
  predicate,
  object,
  graph,
});

describe("the canonical form of a replayed credential template", () => {
  it("is rdf-canonize's for every credential shape, every certification, replayed in turn with one plan", async () => {
    let compared = 0;
    for (const shapeOptions of Object.values(CREDENTIAL_SHAPES)) {
      const documents = fx.catalog.entries.map(
        (entry) => credentialFor(fx, entry, shapeOptions) as unknown as Record<string, unknown>,
      );
      const { shape, rdf } = await learnRdf(fx, documents[0] as Record<string, unknown>);
      const plan = canonicalPlan(rdf);
      expect("refused" in plan).toBe(false);
      // each document, then the first again and each again: the memo meets new, repeated and returning params
      for (const document of [...documents, documents[0], ...documents]) {
        const params = readShape(document as Record<string, unknown>) as Shape;
        if (params.key !== shape.key) {
          continue; // another shape (another number of results, say)
        }
        const dataset = replayRdf(rdf, params.params);
        expect(dataset).toBeDefined();
        expect(canonizeReplayed(plan, params.params)).toBe(await stock(dataset));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(Object.keys(CREDENTIAL_SHAPES).length * 2);
  });

  it("declines where two quads would be equal (the replay is refused), and is right again after", async () => {
    const withTags = taggedCredential(fx);
    const { rdf } = await learnRdf(fx, withTags(["a", "b"]));
    const plan = canonicalPlan(rdf);
    const same = readShape(withTags(["same", "same"])) as Shape;
    expect(canonizeReplayed(plan, same.params)).toBeUndefined();
    for (const tags of [
      ["c", "d"],
      ["a", "b"],
      ["c", "d"],
    ]) {
      const { params } = readShape(withTags(tags)) as Shape;
      expect(canonizeReplayed(plan, params)).toBe(await stock(replayRdf(rdf, params)));
    }
  });
});

describe("the canonical form of a dataset", () => {
  it("is rdf-canonize's for toRDF's dataset of credentials with odd texts, names and long values", async () => {
    for (const shapeOptions of Object.values(CREDENTIAL_SHAPES)) {
      const document = credentialFor(fx, fx.catalog.entries[1]!, shapeOptions);
      const dataset = (await jsonLd.toRDF(document, rdfOptions(fx))) as Quad[];
      expect(canonizeUniqueDataset(dataset)).toBe(await stock(dataset));
    }
  });

  it("writes every kind of term as the library's serialiser does", async () => {
    const odd = [ODD_TEXT, ...NAMES, "", "\u0001\u001f\u007f\b\f", 'a"b\\c'];
    const dataset: Quad[] = [];
    const s = blank("s1");
    for (const [i, text] of odd.entries()) {
      dataset.push(quad(s, named(`https://ex.org/p${i}`), literal(text)));
      dataset.push(
        quad(
          s,
          named(`https://ex.org/l${i}`),
          literal(text, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en-GB"),
        ),
      );
      dataset.push(quad(s, named(`https://ex.org/d${i}`), literal(text, "https://ex.org/type with space>")));
      dataset.push(quad(named(`https://ex.org/odd iri {${i}}|^\`\\"<>`), named("https://ex.org/p"), literal(text)));
    }
    // a language string without a language, a named graph, a blank graph, a blank node in several places of one quad
    dataset.push(
      quad(s, named("https://ex.org/nolang"), literal("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")),
    );
    dataset.push(quad(s, named("https://ex.org/g"), named("https://ex.org/o"), named("https://ex.org/graph")));
    dataset.push(quad(blank("s2"), named("https://ex.org/g"), blank("s2"), blank("s2")));
    dataset.push(quad(blank("s3"), named("https://ex.org/g"), literal("in a blank graph"), blank("s1")));
    expect(canonizeUniqueDataset(dataset)).toBe(await stock(dataset));
  });

  it("keeps quads given twice, as the library does", async () => {
    const q = () => quad(blank("x"), named("https://ex.org/p"), literal("v"));
    const dataset = [q(), q(), quad(named("https://ex.org/s"), named("https://ex.org/p"), blank("x"))];
    expect(canonizeUniqueDataset(dataset)).toBe(await stock(dataset));
  });

  it("declines what needs the N-degree algorithm or a label the library treats apart", async () => {
    const p = named("https://ex.org/p");
    const twins = [quad(blank("a1"), p, literal("same")), quad(blank("a2"), p, literal("same"))];
    expect(canonizeUniqueDataset(twins)).toBeUndefined();
    expect(await stock(twins)).toContain("_:c14n1");
    expect(canonizeUniqueDataset([quad(blank("c14n3"), p, literal("v"))])).toBeUndefined();
    expect(canonizeUniqueDataset([quad(blank(""), p, literal("v"))])).toBeUndefined();
    expect(canonizeUniqueDataset([quad(named("https://ex.org/s"), blank("p"), literal("v"))])).toBeUndefined();
    expect(canonizeUniqueDataset([quad(literal("s"), p, literal("v"))])).toBeUndefined();
  });

  it("agrees with the library on random graphs of blank nodes (or declines)", async () => {
    let state = 42;
    const random = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state % n;
    };
    let decided = 0;
    for (let round = 0; round < 200; round++) {
      const nodes = Array.from({ length: 1 + random(6) }, (_, i) =>
        random(3) === 0 ? named(`https://ex.org/n${i}`) : blank(`b${i}`),
      );
      const dataset: Quad[] = [];
      for (let k = 0; k < 1 + random(12); k++) {
        const subject = nodes[random(nodes.length)] as RdfTerm;
        const object = random(2) === 0 ? (nodes[random(nodes.length)] as RdfTerm) : literal(`v${random(4)}`);
        const graph = random(5) === 0 ? (nodes[random(nodes.length)] as RdfTerm) : DEFAULT;
        dataset.push(quad(subject, named(`https://ex.org/p${random(3)}`), object, graph));
      }
      const ours = canonizeUniqueDataset(dataset);
      if (ours !== undefined) {
        expect(ours).toBe(await stock(dataset));
        decided += 1;
      }
    }
    expect(decided).toBeGreaterThan(100);
  });
});
