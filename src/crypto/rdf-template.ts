import { randomBytes } from "node:crypto";
import { type ExpansionTemplate, type Refusal, replay } from "./expansion-template.js";

/**
 * The RDF dataset of an expansion template (expansion-template.ts), learnt once from jsonld's own `toRDF` and then
 * replayed per document, instead of running `toRDF` (node map, sorting, term building) again for every credential.
 *
 * jsonld's toRDF of an expanded document copies the strings the template takes from the document: an `@value` string
 * becomes the value of a literal whose datatype and language come from the value object's keys, an `@id` the value of
 * a named node (jsonld/lib/toRdf.js `_objectToRDF`, `_makeTerm`). It looks at such a string only to test that an IRI is
 * absolute (the template only replays IRIs that are: `changedIriParams`) and, in the node map, to merge nodes with the
 * same `@id` and drop a value given twice to one property. So the dataset is learnt from a probe, the template replayed
 * with a unique sentinel for every param: each sentinel must come out whole, as the value of a literal (an `@value`
 * param, exactly once) or of a named node (an `@id` param); anything else (a param parsed as a number, canonicalised as
 * JSON, used as a datatype or language, cut, dropped) refuses the template, and the caller runs `toRDF`.
 *
 * Replaying gives the probe's quads with the document's strings in place of the sentinels: the quads toRDF gives for
 * the document, as a set, unless two of them come out equal (two nodes with one `@id`, one value given twice), where
 * toRDF's node map keeps one. Those pairs of quads are found when the template is learnt (every pair that differs only
 * where a param stands) and compared on every replay: if any two are equal, the replay is refused. The order of the
 * quads may differ from toRDF's (it sorts subjects by their `@id`): RDF dataset canonicalisation (RDFC-1.0) gives the
 * same canonical form for any order of the same quads.
 */

export type RdfTerm = {
  termType: string;
  value: string;
  datatype?: { termType: string; value: string };
  language?: string;
};
export type Quad = { subject: RdfTerm; predicate: RdfTerm; object: RdfTerm; graph: RdfTerm };

type Slot =
  | { kind: "constant"; term: RdfTerm }
  | { kind: "iri"; index: number }
  | { kind: "literal"; index: number; datatype: { termType: string; value: string }; language?: string };

export type RdfTemplate = {
  quads: Slot[][];
  /** Pairs of quads (indexes into `quads`) that are equal when their params are. */
  collisions: Array<[number, number]>;
};

/** More quads than this: learning costs more than it saves; toRDF runs. */
export const MAX_TEMPLATE_QUADS = 2_000;
/** More pairs of quads to compare per replay than this: toRDF runs. */
export const MAX_COLLISION_CHECKS = 1_000;

const POSITIONS = ["subject", "predicate", "object", "graph"] as const;

type ToRdf = (input: unknown, options: Record<string, unknown>) => Promise<unknown>;

/** The params an expansion template takes from a document: index → "value" or "iri". */
function paramKinds(template: ExpansionTemplate): Map<number, "value" | "iri"> {
  const kinds = new Map<number, "value" | "iri">();
  const visit = (node: ExpansionTemplate["root"]): void => {
    switch (node.kind) {
      case "value":
      case "iri":
        kinds.set(node.index, node.kind);
        return;
      case "array":
        node.items.forEach(visit);
        return;
      case "object":
        for (const [, child] of node.entries) {
          visit(child);
        }
        return;
      default:
        return;
    }
  };
  visit(template.root);
  return kinds;
}

function isPlainTerm(term: unknown): term is RdfTerm {
  if (typeof term !== "object" || term === null) {
    return false;
  }
  const t = term as Record<string, unknown>;
  return typeof t.termType === "string" && typeof t.value === "string";
}

/** Whether two slots can hold equal terms (a param can hold anything of its kind). */
function mayEqual(a: Slot, b: Slot): boolean {
  const kindOf = (slot: Slot) =>
    slot.kind === "constant" ? slot.term.termType : slot.kind === "iri" ? "NamedNode" : "Literal";
  if (kindOf(a) !== kindOf(b)) {
    return false;
  }
  const datatype = (slot: Slot) =>
    slot.kind === "literal" ? slot.datatype.value : slot.kind === "constant" ? slot.term.datatype?.value : undefined;
  const language = (slot: Slot) =>
    slot.kind === "literal" ? slot.language : slot.kind === "constant" ? slot.term.language : undefined;
  if (datatype(a) !== datatype(b) || language(a) !== language(b)) {
    return false;
  }
  return a.kind !== "constant" || b.kind !== "constant" || a.term.value === b.term.value;
}

/**
 * Learns the RDF template of an expansion template by running jsonld's toRDF (with the options the caller runs it
 * with) on a probe; refuses what it cannot prove.
 */
export async function learnRdfTemplate(
  template: ExpansionTemplate,
  toRdf: ToRdf,
  options: Record<string, unknown>,
): Promise<RdfTemplate | Refusal> {
  const kinds = paramKinds(template);
  const marker = `Rdf-${randomBytes(12).toString("hex")}`;
  const sentinels = new Map<string, number>();
  const probeParams: string[] = [];
  for (const index of kinds.keys()) {
    const sentinel = `https://${marker}.invalid/P${index}`;
    sentinels.set(sentinel, index);
    probeParams[index] = sentinel;
  }
  let dataset: unknown;
  try {
    dataset = await toRdf(replay(template, probeParams), { ...options, skipExpansion: true });
  } catch (error) {
    return { refused: `the probe did not convert to RDF (${(error as Error)?.message ?? String(error)})` };
  }
  if (!Array.isArray(dataset) || dataset.length > MAX_TEMPLATE_QUADS) {
    return { refused: "the probe's dataset is not a short list of quads" };
  }
  const literalsSeen = new Map<number, number>();
  const quads: Slot[][] = [];
  for (const quad of dataset as Record<string, unknown>[]) {
    const slots: Slot[] = [];
    for (const position of POSITIONS) {
      const term = quad[position];
      if (!isPlainTerm(term)) {
        return { refused: "a quad's term is not a plain RDF term" };
      }
      const index = sentinels.get(term.value);
      const extra =
        (term.datatype !== undefined && JSON.stringify(term.datatype).includes(marker)) ||
        (term.language !== undefined && String(term.language).includes(marker));
      if (extra || (index === undefined && term.value.includes(marker))) {
        return { refused: "a param was transformed by toRDF" };
      }
      if (index === undefined) {
        slots.push({ kind: "constant", term });
      } else if (term.termType === "NamedNode" && kinds.get(index) === "iri") {
        slots.push({ kind: "iri", index });
      } else if (
        term.termType === "Literal" &&
        position === "object" &&
        kinds.get(index) === "value" &&
        term.datatype?.termType === "NamedNode" &&
        typeof term.datatype.value === "string" &&
        (term.language === undefined || typeof term.language === "string")
      ) {
        literalsSeen.set(index, (literalsSeen.get(index) ?? 0) + 1);
        const { datatype, language } = term;
        slots.push({ kind: "literal", index, datatype, ...(language === undefined ? {} : { language }) });
      } else {
        return { refused: `a param became a ${term.termType} ${position}` };
      }
    }
    quads.push(slots);
  }
  for (const [index, kind] of kinds) {
    if (kind === "value" && literalsSeen.get(index) !== 1) {
      return { refused: "a value param is not exactly one literal" };
    }
  }
  // Only quads with one predicate can be equal (a predicate is never a param: params never become keys), so the pairs
  // are looked for per predicate; a document that would need too many checks per replay takes toRDF.
  const byPredicate = new Map<string, number[]>();
  for (const [i, slots] of quads.entries()) {
    const predicate = slots[1] as Slot;
    const key = predicate.kind === "constant" ? `${predicate.term.termType} ${predicate.term.value}` : "";
    byPredicate.set(key, [...(byPredicate.get(key) ?? []), i]);
  }
  const collisions: Array<[number, number]> = [];
  for (const members of byPredicate.values()) {
    for (const [n, i] of members.entries()) {
      for (const j of members.slice(n + 1)) {
        const a = quads[i] as Slot[];
        const b = quads[j] as Slot[];
        const param = a.some((slot) => slot.kind !== "constant") || b.some((slot) => slot.kind !== "constant");
        if (param && a.every((slot, p) => mayEqual(slot, b[p] as Slot))) {
          collisions.push([i, j]);
          if (collisions.length > MAX_COLLISION_CHECKS) {
            return { refused: "too many pairs of quads could be equal" };
          }
        }
      }
    }
  }
  return { quads, collisions };
}

function termOf(slot: Slot, params: readonly string[]): RdfTerm {
  switch (slot.kind) {
    case "constant":
      return slot.term;
    case "iri":
      return { termType: "NamedNode", value: params[slot.index] as string };
    case "literal":
      return slot.language === undefined
        ? { termType: "Literal", value: params[slot.index] as string, datatype: slot.datatype }
        : {
            termType: "Literal",
            value: params[slot.index] as string,
            datatype: slot.datatype,
            language: slot.language,
          };
  }
}

/** Whether two of the template's quads are equal with these params (toRDF would keep one of them). */
export function hasEqualQuads(template: RdfTemplate, params: readonly string[]): boolean {
  const value = (slot: Slot) => (slot.kind === "constant" ? slot.term.value : (params[slot.index] as string));
  for (const [i, j] of template.collisions) {
    const a = template.quads[i] as Slot[];
    const b = template.quads[j] as Slot[];
    if (a.every((slot, p) => value(slot) === value(b[p] as Slot))) {
      return true;
    }
  }
  return false;
}

/**
 * The dataset jsonld's toRDF gives for the document with these params (the expansion template's `iriParams` already
 * checked), or undefined when two quads would be equal (toRDF would keep one: the caller runs it). Fresh quad
 * objects; constant terms are shared and never modified (rdf-canonize reads its input only).
 */
export function replayRdf(template: RdfTemplate, params: readonly string[]): Quad[] | undefined {
  if (hasEqualQuads(template, params)) {
    return undefined;
  }
  return template.quads.map(([subject, predicate, object, graph]) => ({
    subject: termOf(subject as Slot, params),
    predicate: termOf(predicate as Slot, params),
    object: termOf(object as Slot, params),
    graph: termOf(graph as Slot, params),
  }));
}
