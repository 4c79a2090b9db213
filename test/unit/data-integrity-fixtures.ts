import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as stockEddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { generateIssuerKey } from "../../src/crypto/issuer-keys.js";
import { createKeyring, didDocuments } from "../../src/crypto/keyring.js";
import { type Ob3Achievement, toOb3Achievement, validUntilFor } from "../../src/domain/achievement.js";
import type { CatalogEntry } from "../../src/domain/catalog/parse-catalog.js";
import { buildOpenBadgeCredential, type UnsignedCredential } from "../../src/domain/credential/build.js";
import { recipientIdentifiers } from "../../src/domain/credential/identity.js";
import type { CredentialRecipe } from "../../src/domain/credential/recipe.js";
import type { Ob3Evidence, Ob3Result } from "../../src/domain/criteria/decision.js";
import { buildIssuerProfile, didWebFor, type IssuerProfileSettings } from "../../src/domain/issuer.js";
import {
  credentialStatusValue,
  type StatusPurpose,
  statusListEntry,
} from "../../src/domain/status/status-list-credential.js";
import { loadCatalog } from "../../src/load-templates.js";

/** Issuer keys, profile, document loader and catalog as the service builds them, plus the library's own signer. */
export async function signingFixture(publicUrl = "https://badges.test", settings: Partial<IssuerProfileSettings> = {}) {
  const now = new Date("2026-03-02T09:30:00Z");
  const stored = await generateIssuerKey(1, now);
  const did = didWebFor(publicUrl);
  const keyring = await createKeyring({ keys: [stored], did, publicUrl });
  // The library as shipped: @digitalbazaar/ed25519-multikey's own signer for the same key.
  const stockKey = await Ed25519Multikey.from({
    "@context": "https://w3id.org/security/multikey/v1",
    id: keyring.active.verificationMethod,
    type: "Multikey",
    controller: did,
    publicKeyMultibase: stored.ed25519.publicKeyMultibase,
    secretKeyMultibase: stored.ed25519.secretKeyMultibase,
  });
  return {
    publicUrl,
    now,
    /** The stored key generation (private parts included): the key material of a signing pool. */
    stored,
    keyring,
    stockSigner: stockKey.signer(),
    issuer: buildIssuerProfile(did, {
      name: "Test Academy",
      url: publicUrl,
      image: `${publicUrl}/public/issuer-logo.svg`,
      ...settings,
    }),
    documentLoader: createDocumentLoader(didDocuments(keyring.didDocument)),
    catalog: loadCatalog("templates"),
  };
}
export type SigningFixture = Awaited<ReturnType<typeof signingFixture>>;

export type CredentialShape = {
  name?: string;
  email?: string;
  evidence?: boolean;
  /** Override of every free text the credential carries (evidence narratives, result values). */
  text?: string;
  validUntil?: "definition" | "none" | "set";
  suspension?: boolean;
  awardedDate?: Date;
  index?: number;
};

/** A credential of this certification built as issueCredential builds it, in the given shape. */
export function credentialFor(
  fx: SigningFixture,
  entry: CatalogEntry,
  shape: CredentialShape = {},
): UnsignedCredential {
  const { recipe, achievement } = recipeFor(fx, entry, shape);
  return buildOpenBadgeCredential({
    ...recipe,
    issuer: fx.issuer,
    achievement,
    identifiers: recipientIdentifiers(recipe.recipient, recipe.salt),
  });
}

/** What credentialFor builds, as a recipe (src/domain/credential/recipe.ts) and the Achievement it names. */
export function recipeFor(
  fx: SigningFixture,
  entry: CatalogEntry,
  shape: CredentialShape = {},
): { recipe: Omit<CredentialRecipe, "achievement">; achievement: Ob3Achievement } {
  const index = shape.index ?? 7;
  const achievement = toOb3Achievement(entry, fx.publicUrl);
  const validUntil =
    shape.validUntil === "none"
      ? undefined
      : shape.validUntil === "set"
        ? new Date("2028-02-01T00:00:00Z")
        : validUntilFor(entry, fx.now);
  const evidence: Ob3Evidence[] = [];
  const results: Ob3Result[] = [];
  if (shape.evidence) {
    const descriptions = achievement.resultDescription ?? [];
    for (const [i, description] of descriptions.entries()) {
      evidence.push({ type: ["Evidence"], name: description.name, narrative: shape.text ?? `Scored ${80 + i} %.` });
      results.push(
        description.resultType === "Status"
          ? { type: ["Result"], resultDescription: description.id, status: "Completed" }
          : { type: ["Result"], resultDescription: description.id, value: shape.text ?? String(80 + i) },
      );
    }
    if (descriptions.length === 0) {
      evidence.push({ type: ["Evidence"], name: "Completion", narrative: shape.text ?? "Completed (live)." });
    }
  }
  const purposes: StatusPurpose[] = shape.suspension ? ["revocation", "suspension"] : ["revocation"];
  const recipe = {
    id: `${fx.publicUrl}/credentials/0b9c0a4e-4d0b-4c8e-9a53-${String(index).padStart(12, "0")}`,
    recipient: { email: shape.email ?? `person${index}@example.org`, name: shape.name ?? `Person ${index}` },
    salt: `5a1t${index}`,
    validFrom: fx.now,
    validUntil,
    awardedDate: shape.awardedDate,
    evidence,
    results,
    credentialStatus: credentialStatusValue(
      purposes.map((purpose, i) =>
        statusListEntry(fx.publicUrl, { listId: String(i + 1), index: (index * 7919) % 131_072, purpose }),
      ),
    ),
  };
  return { recipe, achievement };
}

/**
 * What each fixture's stock signer produced, by the exact input (created time and credential JSON): the same
 * credential asked for again (a file comparing several signing paths with the stock bytes) gets a copy of the first
 * answer instead of a second stock signing. Exact, as Ed25519 and the stock libraries are deterministic; never shared
 * between fixtures, so never between test files.
 */
const stockSigned = new WeakMap<SigningFixture, Map<string, Promise<Record<string, unknown>>>>();

/** What the stock libraries produce: vc.issue with the stock cryptosuite and signer, proof as an array (OB 3.0). */
export async function stockSign(
  fx: SigningFixture,
  credential: object,
  now = fx.now,
): Promise<Record<string, unknown>> {
  let signed = stockSigned.get(fx);
  if (!signed) {
    signed = new Map();
    stockSigned.set(fx, signed);
  }
  const key = `${now.toISOString()} ${JSON.stringify(credential)}`;
  let answer = signed.get(key);
  if (!answer) {
    answer = stockSignAnew(fx, credential, now);
    signed.set(key, answer);
    answer.catch(() => signed.delete(key));
  }
  return structuredClone(await answer);
}

async function stockSignAnew(fx: SigningFixture, credential: object, now: Date): Promise<Record<string, unknown>> {
  const signed = await vc.issue({
    credential: structuredClone(credential) as Record<string, unknown>,
    suite: new DataIntegrityProof({ signer: fx.stockSigner, date: now, cryptosuite: stockEddsaRdfc2022 }),
    documentLoader: fx.documentLoader,
    now,
  });
  return { ...signed, proof: [signed.proof] };
}

/** The unmodified library's verdict on a signed document. */
export async function stockVerifies(fx: SigningFixture, document: Record<string, unknown>): Promise<boolean> {
  const result = await vc.verifyCredential({
    credential: document,
    suite: new DataIntegrityProof({ cryptosuite: stockEddsaRdfc2022 }),
    documentLoader: fx.documentLoader,
    now: fx.now,
    checkStatus: async () => ({ verified: true }),
  });
  return result.verified;
}

/** Texts that have broken serialisers: quotes, backslashes, line and paragraph separators, controls, bidi, astral. */
export const ODD_TEXT =
  'He said "hi" \\ then \\"left\\"\nnext line\r\n\ttab \u2028 \u2029 nul\u0000 del\u007f </script> & <b> \' ` $\u007B{x} ' +
  "\u202eRTL override\u202c e\u0301 👩🏽‍🔬 \ud83d (lone surrogate) \ufeff";
export const NAMES = [
  "Zoë Ñúñez-Łukasiewicz",
  "محمد بن موسى الخوارزمي",
  "שָׁלוֹם עֲלֵיכֶם",
  "李小龍",
  'O\'Brien "Bob" \\o/',
  "Line\u2028Separator",
];

/** The credential shapes the service produces, for differential tests (the fast path, the signing pool). */
export const CREDENTIAL_SHAPES: Record<string, CredentialShape> = {
  plain: {},
  "with evidence and results": { evidence: true },
  "no expiry": { validUntil: "none" },
  "with expiry": { validUntil: "set", evidence: true },
  "suspendable (two status entries)": { suspension: true, evidence: true },
  reissued: { awardedDate: new Date("2024-11-05T08:00:00Z"), validUntil: "set" },
  "non-ASCII and RTL names": { name: NAMES.join(" / "), email: "zoë@exämple.org" },
  "odd characters": { name: ODD_TEXT, text: ODD_TEXT, evidence: true },
  "very long texts": {
    name: "N".repeat(2_000),
    text: `${"Lorem ipsum dolor sit amet. ".repeat(300)}\n`,
    evidence: true,
  },
};
