/**
 * The e-mail templates' language, small on purpose: an organisation edits the templates, so nothing in them runs.
 *
 *   {{ name }}  {{ item.label }}               a value: HTML-escaped in HTML templates, as it is in text ones
 *   {{#if name}} … {{else}} … {{/if}}         a block shown when the value is true, non-empty text or a non-empty list
 *   {{#unless name}} … {{/unless}}            the opposite
 *   {{#each list as item}} … {{/each}}        once per element, the element named `item` inside
 *   {{! a comment }}
 *
 * A block tag alone on its line takes the line with it (text templates keep their layout). Values are looked up in
 * the data's own properties only. Every name a template uses is checked when it is loaded, against sample data of its
 * kind: an unknown name, a list shown as a value, an unclosed block stop the start with the file and line.
 */

export type TemplateScalar = string | number | boolean | null | undefined;
export type TemplateData = { [name: string]: TemplateScalar | TemplateData | TemplateData[] };

type Path = { names: string[]; line: number };
type Node =
  | { kind: "text"; text: string }
  | { kind: "value"; path: Path }
  | { kind: "if"; path: Path; negate: boolean; shown: Node[]; otherwise: Node[] }
  | { kind: "each"; path: Path; alias: string; body: Node[] };

export type Template = { name: string; nodes: Node[] };

export class TemplateError extends Error {
  override name = "TemplateError";
}

type Token = { kind: "text"; text: string } | { kind: "tag"; tag: string; line: number; block: boolean };

const TAG = /\{\{([\s\S]*?)\}\}/g;
const PATH = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Splits the source into text and tags; a block tag alone on its line takes the whole line. */
function tokenize(name: string, source: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const at = match.index ?? 0;
    const tag = (match[1] ?? "").trim();
    if (tag.includes("{{")) {
      throw new TemplateError(`${name} line ${lineAt(source, at)}: "{{" inside a tag`);
    }
    tokens.push({ kind: "text", text: source.slice(last, at) });
    tokens.push({ kind: "tag", tag, line: lineAt(source, at), block: /^[#/!]|^else$/.test(tag) });
    last = at + match[0].length;
  }
  const rest = source.slice(last);
  if (rest.includes("{{") || rest.includes("}}")) {
    throw new TemplateError(`${name} line ${lineAt(source, last)}: unmatched braces`);
  }
  tokens.push({ kind: "text", text: rest });
  // Standalone block tags: only whitespace between the previous newline (or start) and the next newline (or end).
  for (let i = 1; i < tokens.length - 1; i += 2) {
    const tag = tokens[i] as Extract<Token, { kind: "tag" }>;
    const before = tokens[i - 1] as Extract<Token, { kind: "text" }>;
    const after = tokens[i + 1] as Extract<Token, { kind: "text" }>;
    if (!tag.block) {
      continue;
    }
    const head = before.text.slice(before.text.lastIndexOf("\n") + 1);
    const newline = after.text.indexOf("\n");
    const tail = newline === -1 ? after.text : after.text.slice(0, newline);
    const startsLine = before.text.includes("\n") || i === 1;
    const endsLine = newline !== -1 || i === tokens.length - 2;
    if (startsLine && endsLine && /^[ \t]*$/.test(head) && /^[ \t\r]*$/.test(tail)) {
      before.text = before.text.slice(0, before.text.length - head.length);
      after.text = newline === -1 ? "" : after.text.slice(newline + 1);
    }
  }
  return tokens;
}

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split("\n").length;
}

function pathOf(name: string, text: string, line: number): Path {
  if (!PATH.test(text)) {
    throw new TemplateError(`${name} line ${line}: "${text}" is not a value name`);
  }
  return { names: text.split("."), line };
}

/** Parses a template; `name` (its file) prefixes every error. */
export function parseTemplate(name: string, source: string): Template {
  const tokens = tokenize(name, source);
  let i = 0;
  const block = (closing: string[]): { nodes: Node[]; end?: string; line: number } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const token = tokens[i++] as Token;
      if (token.kind === "text") {
        if (token.text) {
          nodes.push({ kind: "text", text: token.text });
        }
        continue;
      }
      const { tag, line } = token;
      if (tag.startsWith("!")) {
        continue;
      }
      if (closing.includes(tag)) {
        return { nodes, end: tag, line };
      }
      const opening = /^#(if|unless|each)\s+(.+)$/.exec(tag);
      if (opening) {
        const [, kind, rest] = opening as unknown as [string, "if" | "unless" | "each", string];
        if (kind === "each") {
          const each = /^(\S+)\s+as\s+([A-Za-z][A-Za-z0-9_]*)$/.exec(rest.trim());
          if (!each) {
            throw new TemplateError(`${name} line ${line}: write {{#each list as item}}`);
          }
          const body = block(["/each"]);
          if (body.end !== "/each") {
            throw new TemplateError(`${name} line ${line}: {{#each}} is not closed by {{/each}}`);
          }
          nodes.push({
            kind: "each",
            path: pathOf(name, each[1] as string, line),
            alias: each[2] as string,
            body: body.nodes,
          });
          continue;
        }
        const close = `/${kind}`;
        const then = block(["else", close]);
        const otherwise = then.end === "else" ? block([close]) : { nodes: [], end: then.end, line };
        if (otherwise.end !== close) {
          throw new TemplateError(`${name} line ${line}: {{#${kind}}} is not closed by {{${close}}}`);
        }
        nodes.push({
          kind: "if",
          path: pathOf(name, rest.trim(), line),
          negate: kind === "unless",
          shown: then.nodes,
          otherwise: otherwise.nodes,
        });
        continue;
      }
      if (/^[#/]|^else$/.test(tag)) {
        throw new TemplateError(`${name} line ${line}: unexpected {{${tag}}}`);
      }
      nodes.push({ kind: "value", path: pathOf(name, tag, line) });
    }
    return { nodes, line: 0 };
  };
  const top = block([]);
  return { name, nodes: top.nodes };
}

type Scope = { data: TemplateData; aliases: Map<string, TemplateData | TemplateScalar> };

function lookup(template: Template, scope: Scope, path: Path): unknown {
  const [first, ...rest] = path.names as [string, ...string[]];
  let value: unknown = scope.aliases.has(first)
    ? scope.aliases.get(first)
    : Object.hasOwn(scope.data, first)
      ? scope.data[first]
      : missing(template, path);
  for (const name of rest) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, name)) {
      return missing(template, path);
    }
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function missing(template: Template, path: Path): never {
  throw new TemplateError(`${template.name} line ${path.line}: no value "${path.names.join(".")}"`);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** Renders a template with `data`: every value HTML-escaped when `mode` is html. */
export function renderTemplate(template: Template, data: TemplateData, mode: "html" | "text"): string {
  const out: string[] = [];
  const walk = (nodes: Node[], scope: Scope) => {
    for (const node of nodes) {
      if (node.kind === "text") {
        out.push(node.text);
      } else if (node.kind === "value") {
        const value = lookup(template, scope, node.path);
        if (value !== null && typeof value === "object") {
          throw new TemplateError(
            `${template.name} line ${node.path.line}: "${node.path.names.join(".")}" is not a value to show`,
          );
        }
        const text = value === undefined || value === null ? "" : String(value);
        out.push(mode === "html" ? escapeHtml(text) : text);
      } else if (node.kind === "if") {
        const shown = truthy(lookup(template, scope, node.path)) !== node.negate;
        walk(shown ? node.shown : node.otherwise, scope);
      } else {
        const list = lookup(template, scope, node.path);
        if (!Array.isArray(list)) {
          throw new TemplateError(
            `${template.name} line ${node.path.line}: "${node.path.names.join(".")}" is not a list`,
          );
        }
        for (const item of list) {
          walk(node.body, { data: scope.data, aliases: new Map([...scope.aliases, [node.alias, item]]) });
        }
      }
    }
  };
  walk(template.nodes, { data, aliases: new Map() });
  return out.join("");
}

/**
 * Checks a template against sample data of its kind (every optional part present, every list with one element):
 * each name it uses must exist there, each value must be one to show, each list a list. Throws TemplateError.
 */
export function checkTemplate(template: Template, sample: TemplateData): void {
  const visit = (nodes: Node[], scope: Scope) => {
    for (const node of nodes) {
      if (node.kind === "value") {
        const value = lookup(template, scope, node.path);
        if (value !== null && typeof value === "object") {
          throw new TemplateError(
            `${template.name} line ${node.path.line}: "${node.path.names.join(".")}" is not a value to show`,
          );
        }
      } else if (node.kind === "if") {
        lookup(template, scope, node.path);
        visit(node.shown, scope);
        visit(node.otherwise, scope);
      } else if (node.kind === "each") {
        const list = lookup(template, scope, node.path);
        if (!Array.isArray(list) || list.length === 0) {
          throw new TemplateError(
            `${template.name} line ${node.path.line}: "${node.path.names.join(".")}" is not a list`,
          );
        }
        visit(node.body, { data: scope.data, aliases: new Map([...scope.aliases, [node.alias, list[0]]]) });
      }
    }
  };
  visit(template.nodes, { data: sample, aliases: new Map() });
}
