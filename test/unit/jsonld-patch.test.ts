import { readFileSync } from "node:fs";
import jsonld from "jsonld";
import { describe, expect, it } from "vitest";
import { expectBuiltinsUnchanged, snapshotBuiltins } from "../helpers/builtins.js";

/**
 * patches/jsonld+9.0.0.patch (applied by `npm install`, postinstall): jsonld's node maps are keyed by node and graph
 * ids, which are data (jsonld.js#584). Unpatched, an id such as `constructor` resolves to a built-in, so the node map
 * writes onto `Object` (and a graph named `constructor` holding a node `prototype` onto `Object.prototype`);
 * `--disable-proto=delete` covers only `__proto__`.
 */
const P = "http://example.org/p";
const docs: Array<[string, Record<string, unknown>]> = [
  [
    "an @id-typed value",
    { "@context": { img: { "@id": P, "@type": "@id" } }, "@id": "http://example.org/s", img: "__proto__" },
  ],
  ...["__proto__", "constructor", "toString", "hasOwnProperty"].map((id): [string, Record<string, unknown>] => [
    `node ${id}`,
    { "@id": id, [P]: "x" },
  ]),
  ["graph constructor holding node prototype", { "@id": "constructor", "@graph": [{ "@id": "prototype", [P]: "x" }] }],
  ["graph __proto__ holding node polluted", { "@id": "__proto__", "@graph": [{ "@id": "polluted", [P]: "x" }] }],
];

type Doc = Record<string, unknown>;
/** The jsonld operations under test (src/crypto/vendor.d.ts declares only what the service calls). */
const ld = jsonld as unknown as {
  toRDF(doc: Doc, options: object): Promise<unknown>;
  canonize(doc: Doc, options: object): Promise<unknown>;
  flatten(doc: Doc, context: null, options: object): Promise<unknown>;
  frame(doc: Doc, frame: object, options: object): Promise<unknown>;
  merge(docs: Doc[]): Promise<unknown>;
};
const operations: Array<[string, (doc: Doc) => Promise<unknown>]> = [
  ["toRDF", (doc) => ld.toRDF(doc, { base: null })],
  ["canonize", (doc) => ld.canonize(doc, { algorithm: "RDFC-1.0", safe: false, base: null })],
  ["flatten", (doc) => ld.flatten(doc, null, { base: null })],
  ["frame", (doc) => ld.frame(doc, {}, { base: null })],
  ["merge", (doc) => ld.merge([doc, doc])],
];

describe("jsonld node maps (patched)", () => {
  it("is patched at install", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.postinstall).toBe("patch-package");
    expect(readFileSync("patches/jsonld+9.0.0.patch", "utf8")).toContain("__proto__: null");
  });

  it.each(docs)("%s changes no built-in in any operation", async (label, doc) => {
    const before = snapshotBuiltins();
    for (const [name, run] of operations) {
      await run(doc);
      expectBuiltinsUnchanged(before, `${name} of ${label}`);
    }
  });

  it("keeps such ids as ordinary nodes", async () => {
    const doc = {
      "@graph": [
        { "@id": "constructor", [P]: "x" },
        { "@id": "toString", [P]: "y" },
      ],
    };
    expect(await ld.flatten(doc, null, { base: null })).toEqual([
      { "@id": "constructor", [P]: [{ "@value": "x" }] },
      { "@id": "toString", [P]: [{ "@value": "y" }] },
    ]);
  });
});
