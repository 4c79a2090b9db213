import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as vc from "@digitalbazaar/vc";
import { beforeAll, describe, expect, it } from "vitest";
import { type CanonizeOutcome, createCanonize, stockCanonize } from "../../src/crypto/canonize.js";
import { signDataIntegrity } from "../../src/crypto/data-integrity.js";
import { createEddsaRdfc2022Cryptosuite } from "../../src/crypto/eddsa-rdfc-2022.js";
import { OB_V3_CONTEXT } from "../../src/domain/contexts.js";
import { credentialFor, type SigningFixture, signingFixture, stockSign } from "./data-integrity-fixtures.js";

/**
 * What the fast path does not know or cannot prove goes to the cryptosuite's own canonize, and the signed document is
 * still the stock one (or the stock error). A shape seen for the first time is learnt from jsonld itself.
 */

let fx: SigningFixture;
let credential: Record<string, unknown>;
beforeAll(async () => {
  fx = await signingFixture();
  credential = credentialFor(fx, fx.catalog.entries[0]!, { evidence: true }) as unknown as Record<string, unknown>;
});

type Result = { canonical: string } | { error: string };
async function outcomeOf(
  document: unknown,
  options: Record<string, unknown> = {},
): Promise<{ fast: Result; stock: Result; paths: CanonizeOutcome[] }> {
  const paths: CanonizeOutcome[] = [];
  const canonize = createCanonize({ observe: (outcome) => paths.push(outcome) });
  const all = { documentLoader: fx.documentLoader, base: null, safe: true, ...options };
  const run = async (fn: typeof stockCanonize): Promise<Result> => {
    try {
      return { canonical: await fn(document, all) };
    } catch (error) {
      return { error: String((error as Error)?.message ?? error) };
    }
  };
  // Twice: the second call would replay a template learnt by the first, if there were one.
  await run(canonize);
  return { fast: await run(canonize), stock: await run(stockCanonize), paths };
}

/** Signs with signDataIntegrity and with the stock libraries; both documents, or both errors. */
async function signBoth(document: Record<string, unknown>): Promise<[string, string]> {
  const settle = async (sign: () => Promise<unknown>) => {
    try {
      return JSON.stringify(await sign());
    } catch (error) {
      return `error: ${(error as Error)?.message}`;
    }
  };
  return [
    await settle(() =>
      signDataIntegrity({
        credential: structuredClone(document),
        signer: fx.keyring.active,
        documentLoader: fx.documentLoader,
        now: fx.now,
      }),
    ),
    await settle(() => stockSign(fx, document)),
  ];
}

const withSubject = (extra: Record<string, unknown>) => ({
  ...credential,
  credentialSubject: { ...(credential.credentialSubject as object), ...extra },
});

describe("refused on sight: the full path runs", () => {
  const refused: Array<[string, () => unknown, RegExp]> = [
    [
      "a __proto__ key (as JSON.parse makes it)",
      () => ({ ...credential, ...JSON.parse('{"__proto__": {"polluted": "yes"}}') }),
      /__proto__/,
    ],
    ["a constructor key", () => withSubject({ constructor: "x" }), /constructor/],
    ["a prototype key", () => withSubject({ prototype: { a: "b" } }), /prototype/],
    ["a Date object", () => ({ ...credential, validFrom: new Date("2026-01-01T00:00:00Z") }), /object value/],
    ["an undefined value", () => ({ ...credential, validUntil: undefined }), /undefined/],
    ["a non-finite number", () => withSubject({ score: Number.POSITIVE_INFINITY }), /not finite/],
    ["an array at the top", () => [credential], /plain JSON object/],
    [
      "a document nested too deeply",
      () => {
        let deep: Record<string, unknown> = { leaf: "x" };
        for (let i = 0; i < 80; i++) {
          deep = { next: deep };
        }
        return withSubject({ deep });
      },
      /deeply/,
    ],
  ];
  for (const [name, make, reason] of refused) {
    it(name, async () => {
      const { fast, stock, paths } = await outcomeOf(make());
      expect(fast).toEqual(stock);
      expect(paths.map((p) => p.path)).toEqual(["full", "full"]);
      expect(paths[0]).toMatchObject({ reason: expect.stringMatching(reason) });
    });
  }

  it("options the fast path was not built for (skipExpansion, expandContext, another base)", async () => {
    for (const options of [{ skipExpansion: true }, { expandContext: { x: "https://example.org/x" } }, { base: "" }]) {
      const { fast, stock, paths } = await outcomeOf(credential, options);
      expect(fast).toEqual(stock);
      expect(paths.every((p) => p.path === "full")).toBe(true);
    }
  });

  it("a polluted Object.prototype (jsonld reads inherited keys; the fast path would not)", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.pollutedForTest = "yes";
    try {
      const { paths } = await outcomeOf(credential);
      expect(paths.map((p) => p.path)).toEqual(["full", "full"]);
    } finally {
      delete proto.pollutedForTest;
    }
  });

  it("and signDataIntegrity still returns the stock document for such input", async () => {
    const [fast, stock] = await signBoth({ ...credential, ...JSON.parse('{"__proto__": {"name": "x"}}') });
    expect(fast).toBe(stock);
    const [fast2, stock2] = await signBoth(withSubject({ constructor: "x" }));
    expect(fast2).toBe(stock2);
  });
});

describe("contexts the fast path cannot vouch for: the full path runs", () => {
  it("a context URL the loader does not serve (both paths fail alike)", async () => {
    const document = {
      ...credential,
      "@context": [...(credential["@context"] as string[]), "https://example.org/ctx"],
    };
    const { fast, stock, paths } = await outcomeOf(document);
    expect(stock).toMatchObject({ error: expect.stringMatching(/example\.org\/ctx/) });
    expect(fast).toEqual(stock);
    expect(paths.map((p) => p.path)).toEqual(["full", "full"]);
  });

  it("a changed context URL the loader does not serve", async () => {
    const document = { ...credential, "@context": ["https://www.w3.org/ns/credentials/v2", `${OB_V3_CONTEXT}x`] };
    const { fast, stock, paths } = await outcomeOf(document);
    expect(fast).toEqual(stock);
    expect(paths.map((p) => p.path)).toEqual(["full", "full"]);
  });

  it("a loader that now serves another document for a context URL the template was learnt from", async () => {
    const paths: CanonizeOutcome[] = [];
    const canonize = createCanonize({ observe: (outcome) => paths.push(outcome) });
    const options = { documentLoader: fx.documentLoader, base: null, safe: true };
    await canonize(credential, options);
    const edited = async (url: string) => {
      const served = await fx.documentLoader(url);
      return url === OB_V3_CONTEXT ? { ...served, document: structuredClone(served.document) } : served;
    };
    const again = await canonize(credential, { ...options, documentLoader: edited });
    expect(again).toBe(await stockCanonize(credential, { ...options, documentLoader: edited }));
    expect(paths.map((p) => p.path)).toEqual(["template", "full"]);
    expect(paths[1]).toMatchObject({ reason: expect.stringMatching(/other context documents/) });
  });
});

describe("the canonical form of a small document (a proof's options) given again", () => {
  const proofOptions = () => ({
    "@context": credential["@context"],
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-rdfc-2022",
    created: "2026-03-02T09:30:00Z",
    verificationMethod: `${fx.keyring.did}#key-1`,
    proofPurpose: "assertionMethod",
  });

  it("is the stock form, and only while the loader serves the contexts it was computed with", async () => {
    const paths: CanonizeOutcome[] = [];
    const canonize = createCanonize({ observe: (outcome) => paths.push(outcome) });
    const options = { documentLoader: fx.documentLoader, base: null, safe: true, skipExpansion: false };
    const stock = await stockCanonize(proofOptions(), options);
    expect(await canonize(proofOptions(), options)).toBe(stock);
    expect(await canonize(proofOptions(), options)).toBe(stock);
    // The same URLs, serving a context that gives `created` another meaning: the form computed before is not given.
    const edited = async (url: string) => {
      const served = await fx.documentLoader(url);
      const text = JSON.stringify(served.document);
      return text.includes("http://purl.org/dc/terms/created")
        ? {
            ...served,
            document: JSON.parse(text.replaceAll("http://purl.org/dc/terms/created", "https://example.org/c")),
          }
        : served;
    };
    const other = await stockCanonize(proofOptions(), { ...options, documentLoader: edited });
    expect(other).not.toBe(stock);
    expect(await canonize(proofOptions(), { ...options, documentLoader: edited })).toBe(other);
    // Another `created`: computed anew.
    const later = { ...proofOptions(), created: "2026-03-02T09:30:01Z" };
    expect(await canonize(later, options)).toBe(await stockCanonize(later, options));
    expect(paths.map((p) => p.path)).toEqual(["template", "template", "full", "template"]);
    expect(paths.map((p) => p.path === "template" && p.again === true)).toEqual([false, true, false, false]);
  });
});

describe("strings that steer expansion under a keyword alias: the full path runs", () => {
  it("a language through an alias of @language (expansion lower-cases it)", async () => {
    const context = [...(credential["@context"] as string[]), { lang: "@language", note: "https://example.org/n" }];
    for (const lang of ["EN", "de-CH"]) {
      const document = { ...credential, "@context": context, note: { "@value": "Hallo", lang } };
      const { fast, stock, paths } = await outcomeOf(document);
      expect(fast).toEqual(stock);
      expect(paths.map((p) => p.path)).toEqual(["full", "full"]);
    }
  });

  it("a type through an alias of @type (expanded by vocabulary, compact IRIs too)", async () => {
    const context = [...(credential["@context"] as string[]), { kind: "@type", ex: "https://example.org/ns#" }];
    for (const kind of ["https://example.org/ns#T", "ex:T", "OpenBadgeCredential"]) {
      const document = { ...credential, "@context": context, kind };
      const { fast, stock, paths } = await outcomeOf(document);
      expect(fast).toEqual(stock);
      expect(paths.map((p) => p.path)).toEqual(["full", "full"]);
    }
    const expanded = await outcomeOf({ ...credential, "@context": context, kind: "ex:T" });
    const full = await outcomeOf({ ...credential, "@context": context, kind: "https://example.org/ns#T" });
    expect(expanded.fast).toEqual(full.fast);
    expect(full.fast).toHaveProperty("canonical");
  });
});

describe("ids that expansion would change: pinned, or the full path", () => {
  for (const id of ["credentials/1", "_:b1", "@id", "name", "sec:proof", "https://example.org/a b", ""]) {
    it(`credential id ${JSON.stringify(id)}`, async () => {
      const { fast, stock } = await outcomeOf({ ...credential, id });
      expect(fast).toEqual(stock);
      const [signedFast, signedStock] = await signBoth({ ...credential, id });
      expect(signedFast).toBe(signedStock);
    });
  }

  it("a compact IRI (prefix defined in an inline context) after the shape was learnt with a full IRI", async () => {
    const paths: CanonizeOutcome[] = [];
    const canonize = createCanonize({ observe: (outcome) => paths.push(outcome) });
    const options = { documentLoader: fx.documentLoader, base: null, safe: true };
    const context = [...(credential["@context"] as string[]), { ex: "https://example.org/ns#" }];
    const full = { ...credential, "@context": context, id: "https://example.org/ns#thing" };
    const compact = { ...credential, "@context": context, id: "ex:thing" };
    const unrelated = { ...credential, "@context": context, id: "exx:thing" };
    for (const document of [full, compact, unrelated]) {
      expect(await canonize(document, options)).toBe(await stockCanonize(document, options));
    }
    // ex:thing expands to the full IRI: the same canonical form, from a template with that id pinned.
    expect(await canonize(compact, options)).toBe(await canonize(full, options));
    expect(paths.map((p) => p.path)).toEqual(["template", "template", "template", "template", "template"]);
    expect(paths.map((p) => p.path === "template" && p.learnt)).toEqual([true, true, false, false, false]);
  });

  it("a relative achievement id after the shape was learnt with an absolute one", async () => {
    const paths: CanonizeOutcome[] = [];
    const canonize = createCanonize({ observe: (outcome) => paths.push(outcome) });
    const options = { documentLoader: fx.documentLoader, base: null, safe: true };
    await canonize(credential, options);
    const subject = credential.credentialSubject as { achievement: object };
    const relative = withSubject({ achievement: { ...subject.achievement, id: "achievements/x" } });
    await expect(canonize(relative, options)).rejects.toThrow(/Safe mode/);
    await expect(stockCanonize(relative, options)).rejects.toThrow(/Safe mode/);
    expect(paths.map((p) => p.path)).toEqual(["template", "full"]);
  });
});

describe("shapes the fast path has not seen are learnt from jsonld, with the stock result", () => {
  const learnt: Array<[string, () => Record<string, unknown>]> = [
    ["an unknown property (a safe-mode error on both paths)", () => withSubject({ favouriteColour: "blue" })],
    ["an unknown type", () => ({ ...credential, type: ["VerifiableCredential", "OpenBadgeCredential", "Extra"] })],
    [
      "an extra, bundled context",
      () => ({
        ...credential,
        "@context": [...(credential["@context"] as string[]), "https://w3id.org/security/data-integrity/v2"],
      }),
    ],
    [
      "an inline context defining a term",
      () => ({
        ...withSubject({ favouriteColour: "blue" }),
        "@context": [
          ...(credential["@context"] as string[]),
          { favouriteColour: "https://example.org/vocab#favouriteColour" },
        ],
      }),
    ],
    [
      "a number and a boolean where strings were",
      () =>
        withSubject({ identifier: [{ type: "IdentityObject", identityType: "name", hashed: 1, identityHash: true }] }),
    ],
  ];
  for (const [name, make] of learnt) {
    it(name, async () => {
      const document = make();
      const { fast, stock } = await outcomeOf(document);
      expect(fast).toEqual(stock);
      const [signedFast, signedStock] = await signBoth(document);
      expect(signedFast).toBe(signedStock);
    });
  }

  it("an inline term in a new shape is replayed like any other", async () => {
    const paths: CanonizeOutcome[] = [];
    const suite = createEddsaRdfc2022Cryptosuite({ observe: (outcome) => paths.push(outcome) });
    const document = {
      ...credential,
      "@context": [...(credential["@context"] as string[]), { note: "https://example.org/vocab#note" }],
      note: "first",
    };
    for (const note of ["first", "second"]) {
      const signed = await vc.issue({
        credential: { ...structuredClone(document), note },
        suite: new DataIntegrityProof({ signer: fx.stockSigner, date: fx.now, cryptosuite: suite }),
        documentLoader: fx.documentLoader,
        now: fx.now,
      });
      expect(JSON.stringify({ ...signed, proof: [signed.proof] })).toBe(
        JSON.stringify(await stockSign(fx, { ...document, note })),
      );
    }
    expect(paths.every((p) => p.path === "template")).toBe(true);
  });
});
