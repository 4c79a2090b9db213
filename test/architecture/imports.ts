import ts from "typescript";

/** How a module is referenced. Every form loads the module at run time except `type` (erased by the compiler). */
export type ImportForm =
  | "import" // import x from "m", import { a } from "m", import * as m from "m"
  | "import type" // import type { T } from "m", and import("m").T in a type position
  | "side-effect" // import "m"
  | "dynamic" // import("m")
  | "export from" // export { a } from "m", export * from "m"
  | "require"; // require("m"), import x = require("m")

export type ImportRef = {
  /** The module specifier, or null when it is not a string literal (a dynamic import or require of a variable). */
  specifier: string | null;
  form: ImportForm;
  /** True when nothing of the module is loaded at run time (`import type`, `export type … from`, `import("m").T`). */
  typeOnly: boolean;
  /** The named bindings (`{ a, b as c }` gives `a`, `b`; a namespace or default import gives `*`, `default`). */
  names: string[];
  line: number;
};

function literal(node: ts.Node | undefined): string | null {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null;
}

function importNames(clause: ts.ImportClause | undefined): string[] {
  const names: string[] = [];
  if (clause?.name) {
    names.push("default");
  }
  const bindings = clause?.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    names.push("*");
  } else if (bindings) {
    for (const element of bindings.elements) {
      names.push((element.propertyName ?? element.name).text);
    }
  }
  return names;
}

/**
 * Every module reference in a TypeScript source, parsed with the compiler (so comments and strings that look like
 * imports are not imports). Under `verbatimModuleSyntax` only the `import type` / `export type` forms are erased:
 * `import { type T } from "m"` still loads `m` (as `import {} from "m"`), so it counts as a run-time import.
 */
export function parseImports(fileName: string, source: string): ImportRef[] {
  const kind = fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, ref: Omit<ImportRef, "line">) =>
    refs.push({ ...ref, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      add(node, {
        specifier: literal(node.moduleSpecifier),
        form: clause ? (clause.isTypeOnly ? "import type" : "import") : "side-effect",
        typeOnly: clause?.isTypeOnly ?? false,
        names: importNames(clause),
      });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const names = !clause
        ? ["*"]
        : ts.isNamespaceExport(clause)
          ? ["*"]
          : clause.elements.map((e) => (e.propertyName ?? e.name).text);
      add(node, { specifier: literal(node.moduleSpecifier), form: "export from", typeOnly: node.isTypeOnly, names });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, {
        specifier: literal(node.moduleReference.expression),
        form: "require",
        typeOnly: node.isTypeOnly,
        names: ["*"],
      });
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      const specifier = ts.isLiteralTypeNode(argument) ? literal(argument.literal) : null;
      add(node, { specifier, form: "import type", typeOnly: true, names: ["*"] });
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
      if (dynamic || (ts.isIdentifier(callee) && callee.text === "require")) {
        add(node, {
          specifier: literal(node.arguments[0]),
          form: dynamic ? "dynamic" : "require",
          typeOnly: false,
          names: ["*"],
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return refs;
}

/** The lines that read `process.env` (`process.env.X`, `process["env"]`, `const { env } = process`). */
export function processEnvReads(fileName: string, source: string): number[] {
  const kind = fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const lines: number[] = [];
  const isProcess = (node: ts.Node) =>
    (ts.isIdentifier(node) && node.text === "process") ||
    (ts.isPropertyAccessExpression(node) && node.name.text === "process" && ts.isIdentifier(node.expression));
  const visit = (node: ts.Node): void => {
    const reads =
      (ts.isPropertyAccessExpression(node) && node.name.text === "env" && isProcess(node.expression)) ||
      (ts.isElementAccessExpression(node) &&
        literal(node.argumentExpression) === "env" &&
        isProcess(node.expression)) ||
      (ts.isVariableDeclaration(node) &&
        node.initializer !== undefined &&
        isProcess(node.initializer) &&
        ts.isObjectBindingPattern(node.name) &&
        node.name.elements.some((e) => ((e.propertyName ?? e.name) as ts.Identifier).text === "env"));
    if (reads) {
      lines.push(file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return lines;
}
