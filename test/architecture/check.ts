import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { type ImportForm, type ImportRef, parseImports, processEnvReads } from "./imports.js";
import { ASYNC_STORE_PATHS, ENV_READERS, GUARDED_FETCH, LAYERS, type Layer, SQLITE_STORE } from "./rules.js";

/** One module a source file references, classified. `target` is a path under the root, a package or `node:x`. */
export type Edge = ImportRef & {
  file: string;
  kind: "file" | "package" | "builtin" | "computed";
  target: string;
  /** The layer of a file target (`undefined` outside every layer). */
  targetLayer?: string;
};

export type Violation = { file: string; line: number; target: string; message: string };

/** Every .ts/.tsx file under `<root>/src`, as a posix path relative to the root. */
export function sourceFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : /\.tsx?$/.test(name) ? [path] : [];
      });
  return walk(join(root, "src")).map((path) => relative(root, path).split(sep).join("/"));
}

/** The layer a root-relative path belongs to: its longest matching folder or file path. */
export function layerOf(path: string, layers: Record<string, Layer> = LAYERS): string | undefined {
  let best: { name: string; length: number } | undefined;
  for (const [name, layer] of Object.entries(layers)) {
    for (const p of layer.paths) {
      const matches = p.endsWith("/") ? path.startsWith(p) : path === p;
      if (matches && p.length > (best?.length ?? -1)) {
        best = { name, length: p.length };
      }
    }
  }
  return best?.name;
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/** `./x.js` → the .ts/.tsx file it compiles from (NodeNext: specifiers name the emitted .js). */
function resolveFile(root: string, from: string, specifier: string): string {
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const base = path.replace(/\.(js|jsx|ts|tsx)$/, "");
  const candidates = /\.(js|jsx|ts|tsx)$/.test(path) ? [`${base}.ts`, `${base}.tsx`, `${base}.d.ts`, path] : [path];
  return candidates.find((c) => existsSync(join(root, c))) ?? candidates[0] ?? path;
}

export function classify(root: string, file: string, ref: ImportRef): Edge {
  const spec = ref.specifier;
  if (spec === null) {
    return { ...ref, file, kind: "computed", target: "(computed)" };
  }
  if (spec.startsWith("./") || spec.startsWith("../")) {
    const target = resolveFile(root, file, spec);
    return { ...ref, file, kind: "file", target, targetLayer: layerOf(target) };
  }
  const bare = spec.replace(/^node:/, "");
  if (spec.startsWith("node:") || BUILTINS.has(bare)) {
    return { ...ref, file, kind: "builtin", target: `node:${bare.split("/")[0]}` };
  }
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? spec);
  return { ...ref, file, kind: "package", target: name };
}

/** Every module reference of every source file under `<root>/src`. */
export function readGraph(root: string): { files: string[]; edges: Edge[] } {
  const files = sourceFiles(root);
  const edges = files.flatMap((file) =>
    parseImports(file, readFileSync(join(root, file), "utf8")).map((ref) => classify(root, file, ref)),
  );
  return { files, edges };
}

const FORM: Record<ImportForm, string> = {
  import: "import",
  "import type": "import type",
  "side-effect": "side-effect import",
  dynamic: "dynamic import()",
  "export from": "export … from",
  require: "require()",
};

function listed(list: string[], target: string): boolean {
  return list.some(
    (entry) =>
      entry === "*" ||
      entry === "node:*" ||
      entry === target ||
      (entry.endsWith("/*") && target.startsWith(entry.slice(0, -1))),
  );
}

/** Why `edge` breaks its file's layer rule, or undefined when the rule allows it. */
function breach(layerName: string, layer: Layer, edge: Edge): string | undefined {
  const may = `${layerName} may`;
  if (edge.kind === "computed") {
    return `a ${FORM[edge.form]} of a computed specifier cannot be checked: name the module with a string literal`;
  }
  if (edge.kind === "file") {
    const to = edge.targetLayer;
    if (to === undefined) {
      return `${may} not import ${edge.target}, which belongs to no layer`;
    }
    if (listed(layer.layers, to)) {
      return undefined;
    }
    if ((layer.typeOnly ?? []).includes(to)) {
      return edge.typeOnly ? undefined : `${may} import ${to} (${edge.target}) only with "import type"`;
    }
    return `${may} not import ${to} (${edge.target})`;
  }
  const allowed = edge.kind === "package" ? layer.packages : layer.builtins;
  if (listed(allowed, edge.target)) {
    return undefined;
  }
  const limit = layer.limited?.find((l) => l.modules.includes(edge.target));
  if (limit) {
    const inFile = !limit.inFiles || limit.inFiles.includes(edge.file);
    const names = !limit.names || edge.names.every((n) => limit.names?.includes(n));
    if (inFile && names) {
      return undefined;
    }
    const where = limit.inFiles ? ` only in ${limit.inFiles.join(", ")}` : "";
    const what = limit.names ? ` only for ${limit.names.join(", ")}` : "";
    return `${may} import ${edge.target}${where}${what} (${limit.why})`;
  }
  return `${may} not import ${edge.kind === "package" ? "package " : ""}${edge.target}`;
}

function at(edge: Edge): string {
  return `${edge.file}:${edge.line} ${FORM[edge.form]} "${edge.specifier ?? "(computed)"}"`;
}

/** Every import that its file's layer does not allow, and every file that belongs to no layer. */
export function layerViolations(files: string[], edges: Edge[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    if (layerOf(file) === undefined) {
      violations.push({
        file,
        line: 0,
        target: file,
        message: `${file} belongs to no layer (test/architecture/rules.ts)`,
      });
    }
  }
  for (const edge of edges) {
    const name = layerOf(edge.file);
    const layer = name === undefined ? undefined : LAYERS[name];
    const why = name !== undefined && layer ? breach(name, layer, edge) : undefined;
    if (why) {
      violations.push({ file: edge.file, line: edge.line, target: edge.target, message: `${at(edge)}: ${why}` });
    }
  }
  return violations;
}

/** Import cycles through run-time imports (type-only imports are erased and cannot cycle at run time). */
export function runtimeCycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind === "file" && !e.typeOnly) {
      next.set(e.file, [...(next.get(e.file) ?? []), e.target]);
    }
  }
  // Tarjan's strongly connected components: each component of two or more files (or a self-import) is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)?.includes(v)) {
        cycles.push(component.sort());
      }
    }
  };
  for (const v of [...next.keys()].sort()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return cycles;
}

/** Files outside the entry points that read `process.env` (they must be handed a validated Config). */
export function envViolations(root: string, files: string[]): Violation[] {
  return files
    .filter((file) => !ENV_READERS.some((r) => (r.endsWith("/") ? file.startsWith(r) : file === r)))
    .flatMap((file) =>
      processEnvReads(file, readFileSync(join(root, file), "utf8")).map((line) => ({
        file,
        line,
        target: "process.env",
        message: `${file}:${line} reads process.env: only ${ENV_READERS.join(" and ")} may (pass a Config instead)`,
      })),
    );
}

/**
 * Reaching for the clock, randomness or the network without an import: the domain reads no clock and draws no
 * random numbers (both are injected); a global fetch/WebSocket counts as a network module (only the guarded fetch,
 * and the entry points, which may import anything).
 */
export function globalViolations(root: string, files: string[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const name = layerOf(file);
    const domain = name === "domain";
    // A global fetch is a network module without an import: refused wherever importing node:https is.
    const layer = name === undefined ? undefined : LAYERS[name];
    const network = file !== GUARDED_FETCH && !(layer && listed(layer.builtins, "node:https"));
    const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
    const report = (node: ts.Node, what: string, why: string) => {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      violations.push({ file, line, target: what, message: `${file}:${line} uses ${what}: ${why}` });
    };
    const visit = (node: ts.Node): void => {
      const text = ts.isPropertyAccessExpression(node) ? node.getText(source) : "";
      const called = ts.isCallExpression(node) || ts.isNewExpression(node) ? node.expression.getText(source) : "";
      if (domain && /^(Date|performance)\.now$/.test(text)) {
        report(node, text, "the domain is handed the clock, never reads it");
      } else if (domain && ts.isNewExpression(node) && called === "Date" && (node.arguments?.length ?? 0) === 0) {
        report(node, "new Date()", "the domain is handed the clock, never reads it");
      } else if (domain && /^(Math\.random|(globalThis\.)?crypto\.(randomUUID|getRandomValues))$/.test(text)) {
        report(node, text, "the domain is handed ids and random numbers, never draws them");
      } else if (network && /^(globalThis\.)?(fetch|WebSocket|EventSource|XMLHttpRequest)$/.test(called)) {
        report(node, called, `only ${GUARDED_FETCH} reaches the network`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return violations;
}

const SYNC_EXECUTORS = new Set(["all", "get", "run", "values"]);

/**
 * Storage and services written for one database only: a call of SQLite's synchronous executors (`.all()`, `.get()`,
 * `.run()`, `.values()` without arguments) or any use of `$client`, outside the SQLite store itself.
 */
export function syncDriverViolations(root: string, files: string[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    if (!ASYNC_STORE_PATHS.some((p) => file.startsWith(p)) || file === SQLITE_STORE) {
      continue;
    }
    const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
    const report = (node: ts.Node, what: string, why: string) => {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      violations.push({ file, line, target: what, message: `${file}:${line} ${what}: ${why}` });
    };
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        node.arguments.length === 0 &&
        ts.isPropertyAccessExpression(node.expression) &&
        SYNC_EXECUTORS.has(node.expression.name.text)
      ) {
        report(node, `calls .${node.expression.name.text}()`, "SQLite's synchronous executor: await the query instead");
      } else if (ts.isIdentifier(node) && node.text === "$client") {
        report(node, "uses $client", "the driver under the store: write the query with drizzle's builder");
      } else if (ts.isStringLiteral(node) && node.text === "$client") {
        report(node, "uses $client", "the driver under the store: write the query with drizzle's builder");
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return violations;
}

/** The repository this test lives in. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
