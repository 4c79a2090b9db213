import { SaxesParser, type SaxesTagPlain } from "saxes";
import { BakingError } from "./baking-error.js";
import { NOT_XML_CHAR } from "./fill-svg-template.js";
import { checkPayload, type ExtractedCredential, pickCredential } from "./png.js";

/** Namespace of the OB 3.0 `<credential>` element (OB 3.0 "SVG baking", docformat #svg-baking). */
export const OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0";
/** Namespace of the OB 2.0 `<assertion>` element (OB 2.0 Baking Specification). */
export const OB2_SVG_NAMESPACE = "http://openbadges.org";

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";
const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const MAX_DEPTH = 256; // libxml2's default nesting limit
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** A baked-credential element: its source range, `verify` attribute and text content. */
type FoundElement = { start: number; end: number; verify: string | undefined; text: string };

/** What baking and reading need to know about an SVG document. */
type SvgScan = {
  root: { name: string; startTagEnd: number; selfClosing: boolean; ns: Record<string, string> };
  ob3: FoundElement[];
  ob2: FoundElement[];
};

/**
 * Returns the SVG with one `<openbadges:credential>` as the root's first child (JSON in one CDATA section, a JWS in
 * `verify`), the namespace declared on the root, and any earlier OB 3.0 credential removed (OB 3.0 docformat #svg-baking).
 */
export function bakeSvg(svg: string, payload: string, limits?: { maxBytes?: number }): string {
  const maxBytes = limits?.maxBytes ?? DEFAULT_MAX_BYTES;
  const checked = checkPayload(payload);
  const { kind } = checked;
  // JSON holds such characters only inside its strings, where a \uXXXX escape means the same character: the baked
  // credential parses to the signed one. A token or URL cannot hold them at all.
  const text = kind === "json" ? checked.text.replace(NOT_XML_CHAR, jsonEscape) : checked.text;
  if (text.search(NOT_XML_CHAR) !== -1) {
    throw new BakingError("MALFORMED", "The payload holds characters XML cannot carry");
  }
  const { root, ob3 } = scanSvg(svg, maxBytes);
  const prefix = choosePrefix(root.ns);
  const declaration = prefix.declare ? ` xmlns:${prefix.name}="${OB3_SVG_NAMESPACE}"` : "";
  const qname = `${prefix.name}:credential`;
  const element =
    kind === "jws"
      ? `<${qname} verify="${text}"></${qname}>`
      : // `]]>` can only occur inside a JSON string, where `\u003e` means the same `>`
        `<${qname}><![CDATA[${text.replaceAll("]]>", "]]\\u003e")}]]></${qname}>`;
  const tagClose = root.selfClosing ? root.startTagEnd - 2 : root.startTagEnd - 1;
  const head = svg.slice(0, tagClose) + declaration + ">" + element + (root.selfClosing ? `</${root.name}>` : "");
  const baked = head + withoutRanges(svg, root.startTagEnd, ob3);
  if (Buffer.byteLength(baked, "utf8") > maxBytes) {
    throw new BakingError("TOO_LARGE", `The baked SVG would exceed ${maxBytes} bytes`);
  }
  return baked;
}

/** A BMP character as a JSON string escape (`\ufffe`). */
function jsonEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Reads the credential baked into an SVG: the OB 3.0 `credential` element, else an OB 2.0 `assertion`, found by
 * namespace (any prefix). The XML is parsed strictly; entity declarations and external entities are never accepted.
 */
export function extractFromSvg(svg: string, limits?: { maxBytes?: number }): ExtractedCredential {
  const scan = scanSvg(svg, limits?.maxBytes ?? DEFAULT_MAX_BYTES);
  const texts = (found: FoundElement[]) => found.map((el) => (el.verify?.trim() ? el.verify : el.text));
  return pickCredential({ ob3: texts(scan.ob3), ob2: texts(scan.ob2) }, "svg");
}

function scanSvg(svg: string, maxBytes: number): SvgScan {
  if (svg.length > maxBytes || Buffer.byteLength(svg, "utf8") > maxBytes) {
    throw new BakingError("TOO_LARGE", `The SVG exceeds ${maxBytes} bytes`);
  }
  if (!/^\uFEFF?[\t\n\r ]*</.test(svg)) {
    throw new BakingError("NOT_AN_IMAGE", "Not an SVG (no XML markup)");
  }
  // saxes's own xmlns mode resolves each prefix by walking every ancestor (quadratic on deep documents)
  const parser = new SaxesParser({ xmlns: false, position: true });
  const scopes = new NamespaceScopes();
  const scan: Partial<SvgScan> & Pick<SvgScan, "ob3" | "ob2"> = { ob3: [], ob2: [] };
  // credential elements being read; text goes to the innermost (nesting only happens in hostile input)
  const open: { element: FoundElement; depth: number }[] = [];
  parser.on("doctype", checkDoctype);
  parser.on("opentag", (tag: SaxesTagPlain) => {
    const declared = scopes.open(tag.attributes);
    const { uri, local } = scopes.resolve(tag.name);
    scan.root ??= rootOf(tag, uri, local, declared, parser.position);
    const target =
      uri === OB3_SVG_NAMESPACE && local === "credential"
        ? scan.ob3
        : uri === OB2_SVG_NAMESPACE && local === "assertion"
          ? scan.ob2
          : undefined;
    if (target !== undefined) {
      // the start tag ends just before `position`, and `<` cannot occur inside it
      const start = svg.lastIndexOf(`<${tag.name}`, parser.position - 1);
      const element = { start, end: -1, verify: tag.attributes.verify, text: "" };
      open.push({ element, depth: scopes.depth });
      target.push(element);
    }
  });
  const addText = (text: string) => {
    const innermost = open.at(-1);
    if (innermost) {
      innermost.element.text += text;
    }
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("closetag", () => {
    const innermost = open.at(-1);
    if (innermost && scopes.depth === innermost.depth) {
      innermost.element.end = parser.position;
      open.pop();
    }
    scopes.close();
  });
  try {
    parser.write(svg).close();
  } catch (error) {
    if (error instanceof BakingError) {
      throw error;
    }
    throw new BakingError("MALFORMED", `The SVG is not well-formed XML: ${(error as Error).message}`, { cause: error });
  }
  if (scan.root === undefined) {
    throw new BakingError("MALFORMED", "The SVG has no root element");
  }
  return { root: scan.root, ob3: scan.ob3, ob2: scan.ob2 };
}

/** In-scope namespace bindings (Namespaces in XML 1.0) with O(1) lookups, and the element depth, capped. */
class NamespaceScopes {
  private readonly bindings = new Map<string, string[]>([["xml", [XML_NAMESPACE]]]);
  private readonly declared: string[][] = [];

  get depth(): number {
    return this.declared.length;
  }

  /** Enters an element; returns the namespace declarations it makes. */
  open(attributes: Record<string, string>): Record<string, string> {
    if (this.declared.length >= MAX_DEPTH) {
      throw new BakingError("TOO_LARGE", `The SVG nests elements deeper than ${MAX_DEPTH}`);
    }
    const own: Record<string, string> = Object.create(null); // a prefix may well be "__proto__"
    for (const [name, uri] of Object.entries(attributes)) {
      const prefix = name === "xmlns" ? "" : name.startsWith("xmlns:") ? name.slice(6) : undefined;
      if (prefix === undefined) {
        continue;
      }
      const badPrefix = name !== "xmlns" && (prefix === "" || prefix === "xmlns" || prefix.includes(":"));
      if (badPrefix || (prefix !== "" && uri === "") || (prefix === "xml") !== (uri === XML_NAMESPACE)) {
        throw new BakingError("MALFORMED", `Invalid namespace declaration ${name}="${uri}"`);
      }
      own[prefix] = uri;
      const stack = this.bindings.get(prefix);
      if (stack) {
        stack.push(uri);
      } else {
        this.bindings.set(prefix, [uri]);
      }
    }
    this.declared.push(Object.keys(own));
    for (const name of Object.keys(attributes)) {
      if (name.includes(":") && !name.startsWith("xmlns:")) {
        this.resolve(name); // a prefixed attribute must be bound too
      }
    }
    return own;
  }

  /** The namespace URI and local part of an element or attribute name in the current scope. */
  resolve(name: string): { uri: string; local: string } {
    const colon = name.indexOf(":");
    if (colon === -1) {
      return { uri: this.bindings.get("")?.at(-1) ?? "", local: name };
    }
    const [prefix, local] = [name.slice(0, colon), name.slice(colon + 1)];
    const uri = this.bindings.get(prefix)?.at(-1);
    if (prefix === "" || local === "" || local.includes(":") || uri === undefined) {
      throw new BakingError("MALFORMED", `Unbound or invalid namespace prefix in "${name}"`);
    }
    return { uri, local };
  }

  /** Leaves the current element, dropping its declarations. */
  close(): void {
    for (const prefix of this.declared.pop() ?? []) {
      this.bindings.get(prefix)?.pop();
    }
  }
}

function checkDoctype(doctype: string): void {
  if (/<!ENTITY/i.test(doctype)) {
    throw new BakingError("UNSAFE_XML", "The SVG's DOCTYPE declares entities");
  }
  // an internal subset could still declare default attributes (e.g. xmlns) that other parsers would apply
  if (doctype.replace(/"[^"]*"|'[^']*'/g, "").includes("[")) {
    throw new BakingError("UNSAFE_XML", "The SVG's DOCTYPE has an internal subset");
  }
}

function rootOf(
  tag: SaxesTagPlain,
  uri: string,
  local: string,
  ns: Record<string, string>,
  startTagEnd: number,
): SvgScan["root"] {
  if (local !== "svg" || (uri !== SVG_NAMESPACE && uri !== "")) {
    throw new BakingError("NOT_AN_IMAGE", `The root element is <${tag.name}>, not <svg>`);
  }
  return { name: tag.name, startTagEnd, selfClosing: tag.isSelfClosing, ns };
}

/** `openbadges` unless the root binds it to another namespace; a prefix the root already binds to OB 3.0 is reused. */
function choosePrefix(ns: Record<string, string>): { name: string; declare: boolean } {
  if (ns.openbadges === OB3_SVG_NAMESPACE) {
    return { name: "openbadges", declare: false };
  }
  if (ns.openbadges === undefined) {
    return { name: "openbadges", declare: true };
  }
  const bound = Object.keys(ns).find((prefix) => prefix !== "" && ns[prefix] === OB3_SVG_NAMESPACE);
  if (bound !== undefined) {
    return { name: bound, declare: false };
  }
  let name = "ob3";
  for (let i = 2; name in ns; i++) {
    name = `ob3-${i}`;
  }
  return { name, declare: true };
}

/** `svg` from `from` on, with the given (possibly nested) element ranges cut out. */
function withoutRanges(svg: string, from: number, ranges: FoundElement[]): string {
  let out = "";
  let cursor = from;
  for (const { start, end } of [...ranges].sort((a, b) => a.start - b.start)) {
    if (start >= cursor) {
      out += svg.slice(cursor, start);
      cursor = end;
    }
  }
  return out + svg.slice(cursor);
}
