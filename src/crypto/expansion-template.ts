import { randomBytes } from "node:crypto";
import type { DocumentLoader } from "@digitalbazaar/vc";
import { type Shape, withParams } from "./json-ld-shape.js";

/**
 * A JSON-LD expansion learnt once per document shape (see json-ld-shape.ts) from jsonld itself, then replayed.
 *
 * jsonld's expansion of a string it does not steer by (a name, a date, an id) is a copy: under a term without
 * `@type: @id`/`@vocab` it becomes `{"@value": string, …}` whatever the string holds (expand.js `_expandValue`); under
 * `@id`, an `@id`/`@vocab`-typed term or `@graph` it becomes `{"@id": _expandIri(string)}`, and `_expandIri` returns an
 * absolute IRI unchanged unless the whole string is a term or its prefix (before the first colon) is a term and the
 * rest does not start with `//` (context.js `_expandIri`). So the template is learnt by expanding a probe: the
 * document with each param replaced by a unique sentinel IRI. Every sentinel must come out exactly once, whole, as an
 * `@value` or an `@id`; anything else (a sentinel dropped, transformed, used as a type, a language, a key) refuses the
 * shape. Replaying it for a document of that shape puts its params where the sentinels were, after checking that
 * every param in an `@id` is such an unchanged IRI (absolute per jsonld's own test, no term of any context involved
 * as the whole string or as its prefix). A param that is not (`"proofPurpose": "assertionMethod"`, a term expanded
 * by vocabulary) is pinned: kept as it is in a probe of its own, so its value becomes part of that template's shape.
 *
 * What the contexts say is part of the template: it records which document the loader served for every context URL
 * reachable from the document (and from those contexts: scoped contexts, `@import`), and is replayed only while the
 * loader serves the same document objects (identity) for the same URLs.
 */

/** jsonld's absolute-IRI test (url.js `isAbsoluteRegex`) minus blank nodes (`_:`), which are never params. */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+-.]*:[^\s]*$/;
/** More context documents than this behind one document: full path. */
const MAX_CONTEXT_DOCUMENTS = 32;

export type ContextSource = { url: string; document: unknown; documentUrl: unknown; contextUrl: unknown };

type Node =
  | { kind: "value"; index: number }
  | { kind: "iri"; index: number }
  | { kind: "constant"; value: unknown }
  | { kind: "array"; items: Node[] }
  | { kind: "object"; entries: Array<[string, Node]> };

export type ExpansionTemplate = {
  root: Node;
  /** Params that became an `@id`: each must be an IRI that expansion keeps unchanged. */
  iriParams: number[];
  /** Every key of every context involved (a superset of the terms any active context can hold). */
  terms: ReadonlySet<string>;
  sources: ContextSource[];
};

export type Refusal = { refused: string };

type JsonLdExpand = (input: unknown, options: Record<string, unknown>) => Promise<unknown>;

/** True when jsonld's `_expandIri` returns `value` itself in every mode (base, vocab, @type) for these terms. */
export function isUnchangedIri(value: string, terms: ReadonlySet<string>): boolean {
  if (!ABSOLUTE_IRI.test(value) || terms.has(value)) {
    return false;
  }
  const colon = value.indexOf(":");
  return value.startsWith("//", colon + 1) || !terms.has(value.slice(0, colon));
}

function isAbsoluteReference(url: string): boolean {
  return ABSOLUTE_IRI.test(url);
}

/**
 * Loads every context document reachable from the document's `@context` values through this loader, collecting their
 * keys. Refuses relative references (their resolution is jsonld's business, on the full path) and loader failures.
 */
export async function loadContextSources(
  contexts: unknown[],
  loader: DocumentLoader,
): Promise<{ sources: ContextSource[]; terms: Set<string> } | Refusal> {
  const sources: ContextSource[] = [];
  const terms = new Set<string>();
  const pending: string[] = [];
  const seen = new Set<string>();

  const reference = (value: unknown): string | undefined => {
    if (typeof value === "string") {
      if (!isAbsoluteReference(value)) {
        return `relative context reference "${value}"`;
      }
      if (!seen.has(value)) {
        seen.add(value);
        pending.push(value);
      }
    }
    return undefined;
  };
  const visit = (value: unknown): string | undefined => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const problem = visit(item);
        if (problem) {
          return problem;
        }
      }
      return undefined;
    }
    if (value === null || typeof value !== "object") {
      return undefined;
    }
    for (const [key, child] of Object.entries(value)) {
      terms.add(key);
      if (key === "@context" || key === "@import") {
        for (const item of Array.isArray(child) ? child : [child]) {
          const problem = reference(item);
          if (problem) {
            return problem;
          }
        }
      }
      const problem = visit(child);
      if (problem) {
        return problem;
      }
    }
    return undefined;
  };

  for (const context of contexts) {
    for (const item of Array.isArray(context) ? context : [context]) {
      const problem = reference(item) ?? visit(item);
      if (problem) {
        return { refused: problem };
      }
    }
  }
  while (pending.length > 0) {
    if (sources.length >= MAX_CONTEXT_DOCUMENTS) {
      return { refused: `more than ${MAX_CONTEXT_DOCUMENTS} context documents` };
    }
    const url = pending.shift() as string;
    let loaded: Awaited<ReturnType<DocumentLoader>> & { contextUrl?: unknown };
    try {
      loaded = await loader(url);
    } catch {
      return { refused: `the loader did not serve ${url}` };
    }
    const { document } = loaded;
    sources.push({ url, document, documentUrl: loaded.documentUrl, contextUrl: loaded.contextUrl });
    let parsed: unknown = document;
    if (typeof document === "string") {
      try {
        parsed = JSON.parse(document);
      } catch {
        return { refused: `${url} is not JSON` };
      }
    }
    const problem = visit(parsed);
    if (problem) {
      return { refused: problem };
    }
  }
  return { sources, terms };
}

/** True while the loader serves the very documents the template was learnt from. */
export async function servesSameContexts(sources: ContextSource[], loader: DocumentLoader): Promise<boolean> {
  for (const source of sources) {
    let loaded: Awaited<ReturnType<DocumentLoader>> & { contextUrl?: unknown };
    try {
      loaded = await loader(source.url);
    } catch {
      return false;
    }
    if (
      loaded.document !== source.document ||
      loaded.documentUrl !== source.documentUrl ||
      loaded.contextUrl !== source.contextUrl
    ) {
      return false;
    }
  }
  return true;
}

/** Compiles jsonld's expansion of the probe into a template, or refuses it. */
function compile(expanded: unknown, sentinels: ReadonlyMap<string, number>, marker: string): Node | Refusal {
  const seen = new Set<number>();
  class Refused extends Error {}

  const node = (value: unknown, parentKey: string | undefined): Node => {
    if (typeof value === "string") {
      const index = sentinels.get(value);
      if (index === undefined) {
        if (value.includes(marker)) {
          throw new Refused("a param was transformed by expansion");
        }
        return { kind: "constant", value };
      }
      if (seen.has(index)) {
        throw new Refused("a param was copied twice by expansion");
      }
      seen.add(index);
      if (parentKey === "@value") {
        return { kind: "value", index };
      }
      if (parentKey === "@id") {
        return { kind: "iri", index };
      }
      throw new Refused(`a param became ${parentKey ?? "a bare value"}`);
    }
    if (Array.isArray(value)) {
      return { kind: "array", items: value.map((item) => node(item, undefined)) };
    }
    if (value !== null && typeof value === "object") {
      const entries: Array<[string, Node]> = [];
      for (const [key, child] of Object.entries(value)) {
        if (key.includes(marker) || key === "__proto__") {
          throw new Refused("a param became a key");
        }
        entries.push([key, node(child, key)]);
      }
      return { kind: "object", entries };
    }
    return { kind: "constant", value };
  };

  try {
    const root = node(expanded, undefined);
    if (seen.size !== sentinels.size) {
      throw new Refused("expansion dropped a param");
    }
    return root;
  } catch (error) {
    if (error instanceof Refused) {
      return { refused: error.message };
    }
    throw error;
  }
}

/**
 * Learns the template of this shape by expanding a probe with jsonld (with the options the full path expands with).
 * Refuses when the probe fails to expand or expansion does anything but copy the params.
 */
export async function learnTemplate(
  document: Record<string, unknown>,
  shape: Shape,
  expand: JsonLdExpand,
  options: Record<string, unknown> & { documentLoader: DocumentLoader },
  pinned: ReadonlySet<number> = new Set(),
): Promise<ExpansionTemplate | Refusal> {
  const loaded = await loadContextSources(shape.contexts, options.documentLoader);
  if ("refused" in loaded) {
    return { refused: `context: ${loaded.refused}` };
  }
  // Mixed case, so that a case change would show; a fresh marker per probe, so no document can contain it.
  const marker = `Probe-${randomBytes(12).toString("hex")}`;
  const sentinel = (index: number) => `https://${marker}.invalid/P${index}`;
  const sentinels = new Map<string, number>();
  shape.params.forEach((_, index) => {
    if (!pinned.has(index)) {
      sentinels.set(sentinel(index), index);
    }
  });
  const probe = withParams(document, (index) =>
    pinned.has(index) ? (shape.params[index] as string) : sentinel(index),
  );
  let expanded: unknown;
  try {
    expanded = await expand(probe, options);
  } catch (error) {
    return { refused: `the probe did not expand (${(error as Error)?.message ?? String(error)})` };
  }
  const root = compile(expanded, sentinels, marker);
  if ("refused" in root) {
    return root;
  }
  const iriParams: number[] = [];
  const collect = (node: Node) => {
    if (node.kind === "iri") {
      iriParams.push(node.index);
    } else if (node.kind === "array") {
      node.items.forEach(collect);
    } else if (node.kind === "object") {
      for (const [, child] of node.entries) {
        collect(child);
      }
    }
  };
  collect(root);
  return { root, iriParams, terms: loaded.terms, sources: loaded.sources };
}

/**
 * The `@id` params of these params that expansion may change (a term such as `assertionMethod` under an
 * `@vocab`-typed property, a relative reference): the template does not apply to them. A template learnt with them
 * pinned (kept verbatim in the probe, so part of the shape) does.
 */
export function changedIriParams(template: ExpansionTemplate, params: readonly string[]): number[] {
  return template.iriParams.filter((index) => !isUnchangedIri(params[index] as string, template.terms));
}

/** The expanded document: a fresh object tree (jsonld's toRDF mutates what it is given). */
export function replay(template: ExpansionTemplate, params: readonly string[]): unknown {
  const build = (node: Node): unknown => {
    switch (node.kind) {
      case "value":
      case "iri":
        return params[node.index];
      case "constant":
        return node.value;
      case "array":
        return node.items.map(build);
      case "object": {
        const out: Record<string, unknown> = {};
        for (const [key, child] of node.entries) {
          out[key] = build(child);
        }
        return out;
      }
    }
  };
  return build(template.root);
}
