import { hash } from "node:crypto";
import { hasEqualQuads, type Quad, type RdfTemplate, type RdfTerm } from "./rdf-template.js";

/**
 * RDF Dataset Canonicalization (RDFC-1.0, SHA-256) of a dataset whose blank nodes all have distinct first-degree
 * hashes, as rdf-canonize 5 computes it (lib/RDFC10.js `main`, with `canonize`'s default options), without its
 * per-call machinery: no promise per blank node, one hash object per blank node, and for a replayed template
 * (`canonizeReplayed`) the N-Quads text of its constant terms made once. Returns undefined whenever it cannot give
 * exactly the library's answer (two blank nodes with the same first-degree hash, which need the N-degree algorithm; a
 * blank node already labelled like a canonical one, which the library leaves as it is; a term that is not of the kinds
 * jsonld's toRDF makes): the caller runs rdf-canonize.
 *
 * The steps, as the library runs them: (2) each blank node's quads (subject, object or graph; a quad once per blank
 * node); (5.3) each one's first-degree hash: its quads serialised with itself as `_:a` and every other blank node as
 * `_:z`, sorted (JavaScript's default order, UTF-16 code units), concatenated, hashed (hex); (5.4) canonical labels
 * `c14n0`, `c14n1`… in the order of the sorted hashes; (7) every quad serialised with those labels, sorted, joined.
 */

/** canonizeUniqueDataset of any dataset of plain terms (jsonld toRDF's output). */
export function canonizeUniqueDataset(dataset: readonly Quad[]): string | undefined {
  const constant = (term: RdfTerm) => ({ kind: "constant" as const, term });
  const quads = dataset.map((q) => [constant(q.subject), constant(q.predicate), constant(q.object), constant(q.graph)]);
  return canonizeReplayed(canonicalPlan({ quads, collisions: [] }), []);
}

/** A term's place in a quad: its text, a blank node's label, or a param's (index, and a literal's suffix). */
type Piece =
  | { kind: "text"; text: string }
  | { kind: "blank"; label: string }
  | { kind: "iri"; index: number }
  | { kind: "literal"; index: number; suffix: string }
  | { kind: "refused" };

/**
 * How a template's quads are written, what does not depend on the params made once (the lines of the quads with
 * neither a param nor a blank node, sorted; the quads of each blank node, and its first-degree hash where none of them
 * has a param), and a memo of the last replay: the texts of its params, the lines of its quads without a blank node,
 * the hashes of its blank nodes, each made again only when a param it is made of differs (credentials of one batch
 * share most of their params: the certification's, the issuer's). The memo is the plan's own: a plan belongs to one
 * canonize function (canonize.ts), and a replay runs to its end without yielding.
 */
export type CanonicalPlan =
  | {
      template: RdfTemplate;
      quads: Piece[][];
      /** Each quad's params (indexes). */
      quadParams: number[][];
      /** Quads (indexes) with a param or a blank node: written per replay. */
      variable: number[];
      /** The other quads' lines, sorted. */
      constantLines: string[];
      /** Each blank node's quads (indexes, in the dataset's order, each once) and params, its hash when constant. */
      blanks: Map<string, { quads: number[]; params: number[]; hash?: string }>;
      memo: {
        params: (string | undefined)[];
        /** A param's text: an IRI's `<…>`, a literal's quoted value (without its suffix). */
        texts: (string | undefined)[];
        /** Lines of quads without a blank node. */
        lines: (string | undefined)[];
        hashes: Map<string, string>;
      };
    }
  | { refused: string };

/** The plan of an RDF template (rdf-template.ts): refused if any of its terms is not one the fast path writes. */
export function canonicalPlan(template: RdfTemplate): CanonicalPlan {
  const quads: Piece[][] = [];
  const quadParams: number[][] = [];
  const blanks = new Map<string, { quads: number[]; params: number[]; hash?: string }>();
  const variable: number[] = [];
  const constantLines: string[] = [];
  for (const [i, slots] of template.quads.entries()) {
    const pieces: Piece[] = [];
    const params: number[] = [];
    for (const [position, slot] of slots.entries()) {
      let piece: Piece;
      if (slot.kind === "constant") {
        piece = termPiece(slot.term, position);
      } else if (slot.kind === "iri") {
        piece = position === 0 || position === 2 ? { kind: "iri", index: slot.index } : { kind: "refused" };
      } else {
        const suffix = literalSuffix(slot.datatype, slot.language);
        piece =
          position === 2 && suffix !== undefined ? { kind: "literal", index: slot.index, suffix } : { kind: "refused" };
      }
      if (piece.kind === "refused") {
        return { refused: "a term the canonical replay does not write" };
      }
      if (piece.kind === "iri" || piece.kind === "literal") {
        params.push(piece.index);
      }
      if (piece.kind === "blank") {
        // the library keeps a c14n label as it is in its output, and issues "" a new label each time it meets it
        if (piece.label === "" || piece.label.startsWith("c14n")) {
          return { refused: "a blank node label the library treats apart" };
        }
        const blank = blanks.get(piece.label);
        if (blank === undefined) {
          blanks.set(piece.label, { quads: [i], params: [] });
        } else if (blank.quads[blank.quads.length - 1] !== i) {
          blank.quads.push(i);
        }
      }
      pieces.push(piece);
    }
    quads.push(pieces);
    quadParams.push(params);
    if (pieces.every((piece) => piece.kind === "text")) {
      constantLines.push(lineOf(pieces, noLabels, []));
    } else {
      variable.push(i);
    }
  }
  constantLines.sort();
  for (const [label, blank] of blanks) {
    blank.params = [...new Set(blank.quads.flatMap((i) => quadParams[i] as number[]))];
    if (blank.params.length === 0) {
      blank.hash = firstDegreeHash(quads, blank.quads, label, []);
    }
  }
  const memo = { params: [], texts: [], lines: [], hashes: new Map<string, string>() };
  return { template, quads, quadParams, variable, constantLines, blanks, memo };
}

const noLabels = (label: string) => label;

/**
 * The canonical N-Quads of a replayed template (what rdf-canonize gives for replayRdf(template, params)), or undefined
 * when two quads would be equal (replayRdf refuses) or two blank nodes have the same first-degree hash.
 */
export function canonizeReplayed(plan: CanonicalPlan, params: readonly string[]): string | undefined {
  if ("refused" in plan || hasEqualQuads(plan.template, params)) {
    return undefined;
  }
  const { quads, quadParams, blanks, variable, constantLines, memo } = plan;
  // what the memo holds of a param that differs is forgotten
  let changed = false;
  const stale: boolean[] = new Array(params.length);
  for (let j = 0; j < params.length; j++) {
    if (memo.params[j] !== params[j]) {
      memo.params[j] = params[j];
      memo.texts[j] = undefined;
      stale[j] = changed = true;
    }
  }
  if (memo.params.length !== params.length) {
    memo.params.length = memo.texts.length = params.length;
  }
  // (and what was made of it: a replay that returns early must leave nothing stale behind)
  if (changed) {
    const isStale = (indexes: number[]) => indexes.some((j) => stale[j] === true);
    for (const i of variable) {
      if (isStale(quadParams[i] as number[])) {
        memo.lines[i] = undefined;
      }
    }
    for (const [label, blank] of blanks) {
      if (isStale(blank.params)) {
        memo.hashes.delete(label);
      }
    }
  }
  // (5.3) first-degree hashes
  const byHash = new Map<string, string>();
  for (const [label, blank] of blanks) {
    let hash = blank.hash ?? memo.hashes.get(label);
    if (hash === undefined) {
      hash = firstDegreeHash(quads, blank.quads, label, params, memo.texts);
      memo.hashes.set(label, hash);
    }
    if (byHash.has(hash)) {
      return undefined; // the N-degree algorithm decides between them
    }
    byHash.set(hash, label);
  }
  // (5.4) canonical labels in the order of the hashes
  const canonical = new Map<string, string>();
  for (const hash of [...byHash.keys()].sort()) {
    canonical.set(byHash.get(hash) as string, `c14n${canonical.size}`);
  }
  // (7) the quads with their canonical labels, sorted: the variable ones sorted, merged with the constant ones
  const relabel = (label: string) => canonical.get(label) as string;
  const lines: string[] = new Array(variable.length);
  for (let k = 0; k < variable.length; k++) {
    const i = variable[k] as number;
    const pieces = quads[i] as Piece[];
    if (pieces.some((piece) => piece.kind === "blank")) {
      lines[k] = lineOf(pieces, relabel, params, memo.texts);
      continue;
    }
    lines[k] = memo.lines[i] ??= lineOf(pieces, noLabels, params, memo.texts);
  }
  lines.sort();
  const merged: string[] = new Array(lines.length + constantLines.length);
  let a = 0;
  let b = 0;
  for (let k = 0; k < merged.length; k++) {
    const x = lines[a];
    const y = constantLines[b];
    // default sort order (UTF-16 code units): that of `<` on strings
    if (y === undefined || (x !== undefined && x < y)) {
      merged[k] = x as string;
      a++;
    } else {
      merged[k] = y;
      b++;
    }
  }
  return merged.join("");
}

/** Step 5.3 for one blank node: its quads' lines with itself as `_:a`, any other blank node as `_:z`, sorted, hashed. */
function firstDegreeHash(
  quads: Piece[][],
  own: number[],
  label: string,
  params: readonly string[],
  texts?: (string | undefined)[],
): string {
  const mark = (other: string) => (other === label ? "a" : "z");
  const lines = own.map((i) => lineOf(quads[i] as Piece[], mark, params, texts));
  lines.sort();
  return hash("sha256", lines.join(""), "hex");
}

/**
 * A quad's N-Quads line (rdf-canonize's serializeQuadComponents), blank nodes written `_:<label(blank)>`; `texts`
 * keeps the params' texts made.
 */
function lineOf(
  pieces: Piece[],
  label: (blank: string) => string,
  params: readonly string[],
  texts: (string | undefined)[] = [],
): string {
  const parts: string[] = new Array(4);
  for (let position = 0; position < 4; position++) {
    const piece = pieces[position] as Piece;
    let text: string;
    switch (piece.kind) {
      case "text":
        text = piece.text;
        break;
      case "blank":
        text = `_:${label(piece.label)}`;
        break;
      case "iri":
        text = texts[piece.index] ?? `<${iriEscape(params[piece.index] as string)}>`;
        texts[piece.index] = text;
        break;
      case "literal":
        text = texts[piece.index] ?? `"${literalEscape(params[piece.index] as string)}"`;
        texts[piece.index] = text;
        text += piece.suffix;
        break;
      default:
        text = "";
    }
    parts[position] = text;
  }
  const graph = parts[3] as string;
  // one flat string (joined, not concatenated): sorting and joining lines compare and copy them many times
  return [parts[0], " ", parts[1], " ", parts[2], graph === "" ? "" : ` ${graph}`, " .\n"].join("");
}

/** The piece of a plain term at a position (0 subject … 3 graph), as rdf-canonize's serializeQuadComponents writes it. */
function termPiece(term: RdfTerm, position: number): Piece {
  if (typeof term !== "object" || term === null || typeof term.value !== "string") {
    return { kind: "refused" };
  }
  switch (term.termType) {
    case "NamedNode":
      return { kind: "text", text: `<${iriEscape(term.value)}>` };
    case "BlankNode":
      return position === 1 ? { kind: "refused" } : { kind: "blank", label: term.value };
    case "DefaultGraph":
      return position === 3 ? { kind: "text", text: "" } : { kind: "refused" };
    case "Literal": {
      const suffix = position === 2 ? literalSuffix(term.datatype, term.language) : undefined;
      return suffix === undefined
        ? { kind: "refused" }
        : { kind: "text", text: `"${literalEscape(term.value)}"${suffix}` };
    }
    default:
      return { kind: "refused" };
  }
}

const RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";

/** What follows a literal's quoted value: its language, or its datatype unless xsd:string; undefined if malformed. */
function literalSuffix(datatype: unknown, language: unknown): string | undefined {
  if (
    typeof datatype !== "object" ||
    datatype === null ||
    typeof (datatype as { value?: unknown }).value !== "string" ||
    (language !== undefined && typeof language !== "string")
  ) {
    return undefined;
  }
  const type = (datatype as { value: string }).value;
  if (type === RDF_LANGSTRING) {
    return language ? `@${language}` : "";
  }
  return type === XSD_STRING ? "" : `^^<${iriEscape(type)}>`;
}

// rdf-canonize's escapes (lib/NQuads.js): UCHAR (\uXXXX, upper-case hex) for what must be escaped, ECHAR for the few
// characters that have one in a literal.
// (from strings: a control character written in a regular expression literal is what the linter refuses)
const LITERAL_CLASS = '[\\u0000-\\u001F\\u007F"\\\\]';
const IRI_CLASS = '[\\u0000-\\u0020<>"{}|^`\\\\]';
const LITERAL_ESCAPED = new RegExp(LITERAL_CLASS);
const LITERAL_ESCAPED_ALL = new RegExp(LITERAL_CLASS, "g");
const IRI_ESCAPED = new RegExp(IRI_CLASS);
const IRI_ESCAPED_ALL = new RegExp(IRI_CLASS, "g");
const ECHAR = new Map([
  ["\b", "\\b"],
  ["\t", "\\t"],
  ["\n", "\\n"],
  ["\f", "\\f"],
  ["\r", "\\r"],
  ['"', '\\"'],
  ["\\", "\\\\"],
]);
const uchar = (c: string) => `\\u${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`;

function literalEscape(s: string): string {
  return LITERAL_ESCAPED.test(s) ? s.replace(LITERAL_ESCAPED_ALL, (c) => ECHAR.get(c) ?? uchar(c)) : s;
}

function iriEscape(s: string): string {
  return IRI_ESCAPED.test(s) ? s.replace(IRI_ESCAPED_ALL, uchar) : s;
}
