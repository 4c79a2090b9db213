import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CanonizeOutcome, createCanonize, stockCanonize } from "../../src/crypto/canonize.js";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { withParams } from "../../src/crypto/json-ld-shape.js";
import { OB_CREDENTIAL_CONTEXTS, OB_V3_CONTEXT, VC_V2_CONTEXT } from "../../src/domain/contexts.js";

/**
 * Property: on generated credential-like documents, and on documents of the same shape with other strings in them,
 * the fast canonize returns exactly what the cryptosuite's own canonize returns, or throws exactly what it throws.
 */

const documentLoader = createDocumentLoader();
const options = { documentLoader, base: null, safe: true };

type Result = { canonical: string } | { error: string };
async function run(canonize: (input: unknown, o: typeof options) => Promise<string>, input: unknown): Promise<Result> {
  try {
    return { canonical: await canonize(input, options) };
  } catch (error) {
    return { error: String((error as Error)?.message ?? error) };
  }
}

/** Any text: every code point (lone surrogates too), quotes, backslashes, separators. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  fc.constantFrom('"', "\\", "\n", "\u2028", "\u0000", "", " ", "\u202e", "e\u0301", "👩🏽‍🔬"),
);
/** Strings that expansion treats in every way but a plain copy: terms, compact IRIs, relative and blank ids. */
const trickyIri = fc.constantFrom(
  "sec:proof",
  "schema:name",
  "xsd:string",
  "cred:x",
  "_:b0",
  "relative/path",
  "",
  "@id",
  "@foo",
  "name",
  "VerifiableCredential",
  "assertionMethod",
  "https://example.org/a b",
  "did:example:123",
  "did:web:localhost%3A3000",
  "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
  "mailto:a@example.org",
  "HTTPS://EXAMPLE.ORG/X",
  "tag:example.org,2020:y",
  "https://例え.テスト/パス",
  "https://www.w3.org/ns/credentials/v2",
  "ex:a#b",
  "ex:",
  "ex://x",
);
const iri = fc.oneof(
  { weight: 30, arbitrary: fc.webUrl({ withFragments: true, withQueryParameters: true }) },
  trickyIri,
);
const date = fc.oneof(
  fc
    .date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  text,
);
const extras = fc.dictionary(
  fc.constantFrom("colour", "level", "nested", "score"),
  fc.oneof(
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.record({ note: text }),
  ),
  { maxKeys: 2 },
);
const statusEntry = fc.record({
  id: iri,
  type: fc.constant("BitstringStatusListEntry"),
  statusPurpose: fc.constantFrom("revocation", "suspension"),
  statusListIndex: fc.nat(131_071).map(String),
  statusListCredential: iri,
});
const achievement = fc.record(
  {
    id: iri,
    type: fc.constant(["Achievement"]),
    achievementType: text,
    name: text,
    description: text,
    criteria: fc.record({ id: iri, narrative: text }, { requiredKeys: [] }),
    image: fc.record({ id: iri, type: fc.constant("Image"), caption: text }, { requiredKeys: ["id", "type"] }),
    humanCode: text,
    tag: fc.array(text, { maxLength: 3 }),
    alignment: fc.array(
      fc.record({ type: fc.constant(["Alignment"]), targetName: text, targetUrl: iri, targetCode: text }),
      { maxLength: 2 },
    ),
    resultDescription: fc.array(
      fc.record(
        {
          id: iri,
          type: fc.constant(["ResultDescription"]),
          name: text,
          resultType: fc.constantFrom("Percent", "Status", "RawScore"),
          requiredValue: text,
          allowedValue: fc.array(text, { maxLength: 3 }),
        },
        { requiredKeys: ["id", "type", "name", "resultType"] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ["id", "type", "name", "description", "criteria"] },
);
const credential = fc
  .record(
    {
      "@context": fc.constantFrom(
        [...OB_CREDENTIAL_CONTEXTS],
        [VC_V2_CONTEXT, OB_V3_CONTEXT],
        // A prefix term: "ex:a#b" ids expand to https://example.org/ns#a#b.
        [...OB_CREDENTIAL_CONTEXTS, { ex: "https://example.org/ns#" }],
      ),
      id: iri,
      // An unknown type or property is a safe-mode error on both paths: rare, so most documents canonicalise.
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant(["VerifiableCredential", "OpenBadgeCredential"]) },
        fc.constant(["VerifiableCredential", "ExtraType"]),
      ),
      name: text,
      description: text,
      issuer: fc.oneof(
        iri,
        fc.record(
          { id: iri, type: fc.constant(["Profile"]), name: text, url: text, email: text },
          { requiredKeys: ["id", "type"] },
        ),
      ),
      validFrom: date,
      validUntil: date,
      awardedDate: date,
      credentialSubject: fc.record(
        {
          id: iri,
          type: fc.constant(["AchievementSubject"]),
          identifier: fc.array(
            fc.record({
              type: fc.constant("IdentityObject"),
              identityType: fc.constantFrom("emailAddress", "name"),
              hashed: fc.boolean(),
              identityHash: text,
              salt: text,
            }),
            { maxLength: 2 },
          ),
          achievement,
          result: fc.array(
            fc.record(
              { type: fc.constant(["Result"]), resultDescription: iri, value: text, status: fc.constant("Completed") },
              { requiredKeys: ["type"] },
            ),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ["type", "achievement"] },
      ),
      evidence: fc.array(fc.record({ type: fc.constant(["Evidence"]), name: text, narrative: text }), { maxLength: 2 }),
      credentialStatus: fc.oneof(statusEntry, fc.tuple(statusEntry, statusEntry)),
    },
    { requiredKeys: ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"] },
  )
  .chain((doc) =>
    fc
      .oneof({ weight: 7, arbitrary: fc.constant({}) }, extras)
      .map((more) => ({ ...doc, credentialSubject: { ...(doc.credentialSubject as object), ...more } })),
  );
/** Strings to put in the place of a document's strings (same shape, other values). */
const replacements = fc.array(fc.oneof({ weight: 3, arbitrary: fc.webUrl() }, text, trickyIri), {
  minLength: 1,
  maxLength: 6,
});

describe("fast canonize ≡ the cryptosuite's canonize (property)", () => {
  it("on generated credentials and on their same-shape variants", async () => {
    const outcomes: CanonizeOutcome[] = [];
    // A small cache, so that eviction is exercised too.
    const canonize = createCanonize({ maxShapes: 8, observe: (outcome) => outcomes.push(outcome) });
    await fc.assert(
      fc.asyncProperty(credential, replacements, async (doc, strings) => {
        expect(await run(canonize, doc)).toEqual(await run(stockCanonize, doc));
        const variant = withParams(doc, (i) => strings[i % strings.length] as string);
        expect(await run(canonize, variant)).toEqual(await run(stockCanonize, variant));
      }),
      { numRuns: 120 },
    );
    // The runs must have exercised the replay, not only learning and the full path.
    expect(outcomes.filter((o) => o.path === "template" && !o.learnt).length).toBeGreaterThan(10);
  });

  it("on arbitrary JSON under a credential (any keys, nesting, numbers)", async () => {
    const canonize = createCanonize({ maxShapes: 8 });
    const base = {
      "@context": [...OB_CREDENTIAL_CONTEXTS],
      id: "https://example.org/credentials/1",
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: "did:example:issuer",
      validFrom: "2026-01-01T00:00:00Z",
    };
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.webUrl(), async (data, url) => {
        const doc = JSON.parse(JSON.stringify({ ...base, credentialSubject: { id: url, data } }));
        expect(await run(canonize, doc)).toEqual(await run(stockCanonize, doc));
        const again = { ...doc, id: `${url}#again` };
        expect(await run(canonize, again)).toEqual(await run(stockCanonize, again));
      }),
      { numRuns: 60 },
    );
  });
});
