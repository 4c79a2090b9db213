import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import type { DocumentLoader } from "@digitalbazaar/vc";
import jsonld from "jsonld";
import * as rdfCanonize from "rdf-canonize";
import {
  changedIriParams,
  type ExpansionTemplate,
  learnTemplate,
  type Refusal,
  replay,
  servesSameContexts,
} from "./expansion-template.js";
import { readShape } from "./json-ld-shape.js";
import { type CanonicalPlan, canonicalPlan, canonizeReplayed } from "./rdf-canonical.js";
import { learnRdfTemplate, type RdfTemplate, replayRdf } from "./rdf-template.js";

/**
 * RDF canonicalisation (RDFC-1.0) for the eddsa-rdfc-2022 cryptosuite, with JSON-LD expansion replayed from a
 * template per document shape (expansion-template.ts) instead of recomputed: the cryptosuite's own `canonize` (its
 * `jsonld.toRDF` → `rdfCanonize.canonize`, same packages, same options) with only the expansion step taken from the
 * template. Everything it cannot prove the template for takes the stock function, unchanged. The RDF dataset is replayed
 * too, from the template's own dataset learnt once with `jsonld.toRDF` (rdf-template.ts), where it can be proven the
 * same; else `toRDF` runs on the replayed expansion.
 */

export type CanonizeOptions = Record<string, unknown>;
export type Canonize = (input: unknown, options?: CanonizeOptions) => Promise<string>;
/**
 * What one call did: replayed a template (learnt on this call, or before; `again`: a small document's form computed
 * with that template before, given again), or the stock path, and why.
 */
export type CanonizeOutcome =
  | { path: "template"; learnt: boolean; again?: true; toRdf?: string }
  | { path: "full"; reason: string };

type JsonLdApi = {
  expand(input: unknown, options: CanonizeOptions): Promise<unknown>;
  toRDF(input: unknown, options: CanonizeOptions): Promise<unknown>;
};
type StockCryptosuite = { canonize: Canonize; name: string; requiredAlgorithm: string };

const jsonLd = jsonld as unknown as JsonLdApi;
/** The cryptosuite's own canonize (lib/canonize.js): the full path. */
export const stockCanonize: Canonize = (eddsaRdfc2022 as unknown as StockCryptosuite).canonize;

export const DEFAULT_MAX_SHAPES = 256;
/** Canonical forms kept of small documents (a proof's options: the same for every credential signed at once). */
export const MAX_SMALL_RESULTS = 16;
/** A document of at most this many params is small. */
export const SMALL_DOCUMENT_PARAMS = 16;

function hasInheritedEnumerableKeys(): boolean {
  for (const _ in {}) {
    return true;
  }
  return false;
}

/** The options DataIntegrityProof passes (document: base null, safe; proof: also skipExpansion false); nothing else. */
function unsupportedOption(options: CanonizeOptions): string | undefined {
  for (const [key, value] of Object.entries(options)) {
    const fine =
      (key === "documentLoader" && typeof value === "function") ||
      (key === "base" && value === null) ||
      (key === "safe" && value === true) ||
      (key === "skipExpansion" && value === false);
    if (!fine) {
      return `option ${key}`;
    }
  }
  return typeof options.documentLoader === "function" ? undefined : "no document loader";
}

/**
 * A canonize function with its own template cache. Pure in its result: for every input and options it returns what
 * `stockCanonize` returns (or throws what it throws, by calling it).
 * @param config.maxShapes templates kept (least recently used dropped first)
 * @param config.observe told the path of every call (tests, benchmarks)
 */
export function createCanonize(config: { maxShapes?: number; observe?: (outcome: CanonizeOutcome) => void } = {}) {
  const maxShapes = config.maxShapes ?? DEFAULT_MAX_SHAPES;
  const observe = config.observe;
  // The only state: templates by shape key (an immutable string), bounded by maxShapes. An entry holds the context
  // documents it was learnt from and is replayed only while the loader still serves those very documents.
  const templates = new Map<string, ExpansionTemplate | Refusal>();
  // The canonical form of small documents by their shape and params (together, the document's JSON exactly), each
  // with the template it was computed with: returned again only when the call has just replayed that very template
  // (its context documents checked), so only for what the replay would give again. Bounded by MAX_SMALL_RESULTS.
  const smallResults = new Map<string, { template: ExpansionTemplate; canonical: string }>();
  // The RDF dataset of each template (learnt when the template is first replayed), kept as long as the template is.
  const rdfTemplates = new WeakMap<ExpansionTemplate, Promise<RdfTemplate | Refusal>>();
  // How each RDF template's quads are written (rdf-canonical.ts), made when it is first replayed, kept as long as it.
  const canonicalPlans = new WeakMap<RdfTemplate, CanonicalPlan>();
  const remember = (key: string, entry: ExpansionTemplate | Refusal) => {
    templates.delete(key);
    templates.set(key, entry);
    if (templates.size > maxShapes) {
      const oldest = templates.keys().next().value as string;
      templates.delete(oldest);
    }
  };

  /** The fast path: the canonical N-Quads, or why it does not apply. */
  const replayed = async (input: unknown, options: CanonizeOptions): Promise<string | { reason: string }> => {
    const unsupported = unsupportedOption(options);
    if (unsupported) {
      return { reason: unsupported };
    }
    if (hasInheritedEnumerableKeys()) {
      // jsonld copies its input with for…in: a polluted Object.prototype changes what the full path reads.
      return { reason: "Object.prototype has enumerable properties" };
    }
    const shape = readShape(input);
    if ("refused" in shape) {
      return { reason: shape.refused };
    }
    const documentLoader = options.documentLoader as DocumentLoader;
    // Exactly the option objects lib/canonize.js builds for jsonld.toRDF and rdfCanonize.canonize.
    const c14nOptions: CanonizeOptions = {
      algorithm: "RDFC-1.0",
      format: "application/n-quads",
      base: null,
      safe: true,
      ...options,
    };
    const rdfOptions: CanonizeOptions = { rdfDirection: "i18n-datatype", ...c14nOptions, produceGeneralizedRdf: false };
    delete rdfOptions.format;

    const learn = async (key: string, pinned?: ReadonlySet<number>) => {
      const known = templates.get(key);
      if (known !== undefined) {
        remember(key, known);
        return { template: known, learnt: false };
      }
      const learnt = await learnTemplate(
        input as Record<string, unknown>,
        shape,
        jsonLd.expand,
        { ...rdfOptions, documentLoader },
        pinned,
      );
      // A context the loader did not serve is the loader's doing, not the shape's: not remembered.
      if (!("refused" in learnt && learnt.refused.startsWith("context:"))) {
        remember(key, learnt);
      }
      return { template: learnt, learnt: true };
    };

    let { template, learnt } = await learn(shape.key);
    if ("refused" in template) {
      return { reason: template.refused };
    }
    const changed = changedIriParams(template, shape.params);
    if (changed.length > 0) {
      const pinnedKey = `${shape.key}\u0000${JSON.stringify(changed.map((index) => [index, shape.params[index]]))}`;
      ({ template, learnt } = await learn(pinnedKey, new Set(changed)));
      if ("refused" in template) {
        return { reason: template.refused };
      }
      if (changedIriParams(template, shape.params).length > 0) {
        return { reason: "an id is not an absolute IRI that expansion keeps as it is" };
      }
    }
    if (!learnt && !(await servesSameContexts(template.sources, documentLoader))) {
      return { reason: "the loader serves other context documents than the template was learnt from" };
    }
    const small = shape.params.length <= SMALL_DOCUMENT_PARAMS;
    const resultKey = small ? `${shape.key}\u0001${JSON.stringify(shape.params)}` : "";
    const known = small ? smallResults.get(resultKey) : undefined;
    if (known && known.template === template) {
      observe?.({ path: "template", learnt, again: true });
      return known.canonical;
    }
    let rdfTemplate = rdfTemplates.get(template);
    if (!rdfTemplate) {
      rdfTemplate = learnRdfTemplate(template, jsonLd.toRDF, { ...rdfOptions, documentLoader });
      rdfTemplates.set(template, rdfTemplate);
    }
    const rdf = await rdfTemplate;
    let plan = "refused" in rdf ? undefined : canonicalPlans.get(rdf);
    if (plan === undefined && !("refused" in rdf)) {
      plan = canonicalPlan(rdf);
      canonicalPlans.set(rdf, plan);
    }
    // The canonical form written from the template itself where every blank node has a first-degree hash of its own
    // (rdf-canonical.ts: exactly rdf-canonize's answer for the replayed dataset); else the library's, of the replayed
    // dataset, or where the dataset cannot be replayed (why: the outcome's `toRdf`), of toRDF's of the replayed expansion.
    let canonical: string | undefined = plan === undefined ? undefined : canonizeReplayed(plan, shape.params);
    let toRdf: string | undefined;
    if (canonical === undefined) {
      const replayedDataset = "refused" in rdf ? undefined : replayRdf(rdf, shape.params);
      toRdf = "refused" in rdf ? rdf.refused : replayedDataset ? undefined : "two quads would be equal";
      const dataset =
        replayedDataset ?? (await jsonLd.toRDF(replay(template, shape.params), { ...rdfOptions, skipExpansion: true }));
      canonical = await rdfCanonize.canonize(dataset, c14nOptions);
    }
    if (small && typeof canonical === "string") {
      smallResults.delete(resultKey);
      smallResults.set(resultKey, { template, canonical });
      if (smallResults.size > MAX_SMALL_RESULTS) {
        smallResults.delete(smallResults.keys().next().value as string);
      }
    }
    observe?.(toRdf === undefined ? { path: "template", learnt } : { path: "template", learnt, toRdf });
    return canonical;
  };

  const canonize: Canonize = async (input, options = {}) => {
    let result: string | { reason: string };
    try {
      result = await replayed(input, options);
    } catch (error) {
      // Whatever went wrong, the stock function decides: it returns the right answer or throws its own error.
      result = { reason: `the fast path failed: ${(error as Error)?.message ?? String(error)}` };
    }
    if (typeof result === "string") {
      return result;
    }
    observe?.({ path: "full", reason: result.reason });
    return stockCanonize(input, options);
  };
  return canonize;
}
