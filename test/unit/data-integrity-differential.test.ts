import { createRequire } from "node:module";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as vc from "@digitalbazaar/vc";
import { beforeAll, describe, expect, it } from "vitest";
import { type CanonizeOutcome, stockCanonize } from "../../src/crypto/canonize.js";
import { signDataIntegrity, verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { createEddsaRdfc2022Cryptosuite } from "../../src/crypto/eddsa-rdfc-2022.js";
import { encodeStatusList } from "../../src/domain/status/bitstring.js";
import { buildStatusListCredential } from "../../src/domain/status/status-list-credential.js";
import {
  credentialFor,
  CREDENTIAL_SHAPES as SHAPES,
  type SigningFixture,
  signingFixture,
  stockSign,
  stockVerifies,
} from "./data-integrity-fixtures.js";

/**
 * Differential: the fast path (signDataIntegrity, and the cryptosuite's canonize) against the stock libraries, on
 * every certification of the catalog in every shape the service produces, byte for byte.
 */

let fx: SigningFixture;
let outcomes: CanonizeOutcome[] = [];
const suite = createEddsaRdfc2022Cryptosuite({ observe: (outcome) => outcomes.push(outcome) });
const options = () => ({ documentLoader: fx.documentLoader, base: null, safe: true });

beforeAll(async () => {
  fx = await signingFixture();
});

describe("the fast path uses the very packages the cryptosuite uses", () => {
  it("resolves jsonld and rdf-canonize to the cryptosuite's own copies", () => {
    const ours = createRequire(import.meta.url);
    const suites = createRequire(ours.resolve("@digitalbazaar/eddsa-rdfc-2022-cryptosuite"));
    expect(ours.resolve("jsonld")).toBe(suites.resolve("jsonld"));
    expect(ours.resolve("rdf-canonize")).toBe(suites.resolve("rdf-canonize"));
  });
});

describe("signDataIntegrity is byte-identical to the stock vc.issue", () => {
  it("for every catalog certification in every credential shape, learning each shape once", async () => {
    const entries = fx.catalog.entries;
    expect(entries.length).toBeGreaterThanOrEqual(10);
    outcomes = [];
    let index = 0;
    for (const entry of entries) {
      for (const [shapeName, shape] of Object.entries(SHAPES)) {
        // Two credentials of each shape (other id, recipient, salt, status index): the second replays the first's.
        for (const _ of [1, 2]) {
          index += 1;
          const credential = credentialFor(fx, entry, { ...shape, index });
          const expected = JSON.stringify(await stockSign(fx, credential));
          const fast = await signDataIntegrity({
            credential: structuredClone(credential),
            signer: fx.keyring.active,
            documentLoader: fx.documentLoader,
            now: fx.now,
          });
          expect(JSON.stringify(fast), `${entry.id}, ${shapeName}`).toBe(expected);
          // The same through vc.issue with a cryptosuite instance whose every canonicalisation is observed.
          const observed = await vc.issue({
            credential: structuredClone(credential),
            suite: new DataIntegrityProof({ signer: fx.stockSigner, date: fx.now, cryptosuite: suite }),
            documentLoader: fx.documentLoader,
            now: fx.now,
          });
          expect(JSON.stringify({ ...observed, proof: [observed.proof] })).toBe(expected);
        }
      }
    }
    expect(outcomes.filter((o) => o.path === "full")).toEqual([]);
    // Document and proof options of each credential; at most the first of each shape is learnt.
    expect(outcomes.length).toBe(4 * entries.length * Object.keys(SHAPES).length);
    expect(outcomes.filter((o) => o.path === "template" && o.learnt).length).toBeLessThanOrEqual(
      outcomes.length / 4 + 1,
    );
  });

  it("for a credential signed at another time, by an issuer with email and description on a port", async () => {
    const other = await signingFixture("http://localhost:3000", {
      email: "badges@example.org",
      description: "Línea 1\nLine 2 \u2028",
    });
    const [entry] = other.catalog.entries;
    const credential = credentialFor(other, entry!, { evidence: true });
    const now = new Date("2027-12-31T23:59:59Z");
    const fast = await signDataIntegrity({
      credential: structuredClone(credential),
      signer: other.keyring.active,
      documentLoader: other.documentLoader,
      now,
    });
    expect(JSON.stringify(fast)).toBe(JSON.stringify(await stockSign(other, credential, now)));
  });

  it("for BitstringStatusListCredentials of both purposes", async () => {
    for (const purpose of ["revocation", "suspension"] as const) {
      const list = buildStatusListCredential({
        publicUrl: fx.publicUrl,
        listId: purpose === "revocation" ? "1" : "2",
        issuer: fx.keyring.did,
        purpose,
        encodedList: encodeStatusList([3, 17, 99_999]),
        validFrom: fx.now,
      });
      const fast = await signDataIntegrity({
        credential: structuredClone(list),
        signer: fx.keyring.active,
        documentLoader: fx.documentLoader,
        now: fx.now,
      });
      expect(JSON.stringify(fast)).toBe(JSON.stringify(await stockSign(fx, list)));
    }
  });
});

describe("the unmodified library verifies what the fast path signs", () => {
  it("for every catalog certification (evidence, suspension, odd characters)", async () => {
    for (const [i, entry] of fx.catalog.entries.entries()) {
      const credential = credentialFor(fx, entry, { ...SHAPES["odd characters"], suspension: true, index: i });
      const signed = await signDataIntegrity({
        credential,
        signer: fx.keyring.active,
        documentLoader: fx.documentLoader,
        now: fx.now,
      });
      expect(await stockVerifies(fx, signed), entry.id).toBe(true);
      const tampered = structuredClone(signed) as {
        credentialSubject: { identifier: Array<{ identityHash: string }> };
      };
      tampered.credentialSubject.identifier[1]!.identityHash = "Someone Else";
      expect(await stockVerifies(fx, tampered as unknown as Record<string, unknown>)).toBe(false);
    }
  });

  it("and verifyDataIntegrity (fast path) gives the stock verdicts, reasons included", async () => {
    const [entry] = fx.catalog.entries;
    const signed = await stockSign(fx, credentialFor(fx, entry!, { evidence: true }));
    expect(await verifyDataIntegrity({ credential: signed, documentLoader: fx.documentLoader })).toEqual({
      verified: true,
    });
    const tampered = { ...signed, name: "Forged" };
    const verdict = await verifyDataIntegrity({ credential: tampered, documentLoader: fx.documentLoader });
    expect(verdict).toEqual({ verified: false, reason: "Invalid signature." });
  });
});

describe("the cryptosuite's canonize", () => {
  it("replays the proof options too (proofPurpose pinned: a term expanded by vocabulary)", async () => {
    const [entry] = fx.catalog.entries;
    const proofOptions = (created: string) => ({
      "@context": credentialFor(fx, entry!)["@context"],
      type: "DataIntegrityProof",
      created,
      verificationMethod: fx.keyring.active.verificationMethod,
      cryptosuite: "eddsa-rdfc-2022",
      proofPurpose: "assertionMethod",
    });
    outcomes = [];
    for (const created of ["2026-03-02T09:30:00Z", "2026-03-02T09:30:01Z", "1999-12-31T23:59:59Z"]) {
      const document = proofOptions(created);
      expect(await suite.canonize(document, { ...options(), skipExpansion: false })).toBe(
        await stockCanonize(document, { ...options(), skipExpansion: false }),
      );
    }
    expect(outcomes.map((o) => o.path)).toEqual(["template", "template", "template"]);
    expect(outcomes.filter((o) => o.path === "template" && o.learnt).length).toBeLessThanOrEqual(1);
  });
});
