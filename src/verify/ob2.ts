import { createPublicKey } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { compactVerify } from "jose";
import { ob2Display } from "./display.js";
import type { VerifyEnv } from "./environment.js";
import { fetchJsonObject } from "./remote.js";
import type { Check, CredentialDisplay } from "./report.js";
import { isJsonObject, shown } from "./safe-json.js";

type Json = Record<string, unknown>;

const OB2_CONTEXT = "https://w3id.org/openbadges/v2";

/** True for an OB 2.0 Assertion (type `Assertion`, OB 2.0 context), which is read for display and verified in part. */
export function isOb2Assertion(value: Json): boolean {
  const context = Array.isArray(value["@context"]) ? value["@context"] : [value["@context"]];
  const types = Array.isArray(value.type) ? value.type : [value.type];
  return types.includes("Assertion") && (context.includes(OB2_CONTEXT) || !types.includes("VerifiableCredential"));
}

/** What an OB 2.0 analysis hands to the live checks. */
export type Ob2Facts = {
  assertion: Json;
  issuer?: Json;
  display: CredentialDisplay;
  proof: Check;
  issuerCheck: Check;
};

const proofCheck = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "proof",
  outcome,
  title: "Signature",
  message,
  code,
});
const issuerCheck = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "issuer",
  outcome,
  title: "Issuer",
  message,
  code,
});

/** An embedded object, or the document at a URL when the network is enabled (`fromItsAddress` then). */
async function objectOrFetched(value: unknown, env: VerifyEnv): Promise<{ value?: Json; fromItsAddress: boolean }> {
  if (isJsonObject(value)) {
    return { value, fromItsAddress: false };
  }
  if (typeof value !== "string") {
    return { fromItsAddress: false };
  }
  const fetched = await fetchJsonObject(value, env);
  return fetched.ok ? { value: fetched.value, fromItsAddress: fetched.value.id === value } : { fromItsAddress: false };
}

/**
 * OB 2.0 (Verification §"signed" and §"hosted"): a signed assertion's JWS is checked with the issuer's
 * CryptographicKey (`verification.creator`, whose `owner` must be the BadgeClass issuer); a hosted assertion must be
 * served by the issuer at its `id`. Every remote document needs the network, else the check is "not checked".
 */
export async function analyseOb2(assertion: Json, jws: string | undefined, env: VerifyEnv): Promise<Ob2Facts> {
  const badge = (await objectOrFetched(assertion.badge, env)).value;
  const profile = await objectOrFetched(badge?.issuer, env);
  const issuer = profile.value;
  const issuerId =
    typeof issuer?.id === "string" ? issuer.id : typeof badge?.issuer === "string" ? badge.issuer : undefined;
  const display = ob2Display(assertion, badge, issuer);
  const verification = isJsonObject(assertion.verification) ? assertion.verification : {};
  if (jws !== undefined) {
    const { proof, owner } = await checkSignedAssertion(jws, verification, env);
    const listed = profile.fromItsAddress ? listsKey(issuer, verification.creator) : undefined;
    const check = keyOwnerCheck({ owner, creator: verification.creator, issuerId, listed }, proof);
    return { assertion, issuer, display, proof, issuerCheck: check };
  }
  if (verification.type === "signed" || verification.type === "SignedBadge") {
    const proof = proofCheck(
      "not-checked",
      "unsigned-copy",
      "This is the signed assertion's content without its signature; the signed (JWS) form is needed to check it.",
    );
    return {
      assertion,
      issuer,
      display,
      proof,
      issuerCheck: issuerCheck(
        "not-checked",
        "no-verified-key",
        "Without the signature, nothing ties the assertion to its issuer.",
      ),
    };
  }
  return { assertion, issuer, display, ...(await checkHostedAssertion(assertion, issuerId, env)) };
}

async function checkSignedAssertion(
  jws: string,
  verification: Json,
  env: VerifyEnv,
): Promise<{ proof: Check; owner?: string }> {
  const creator = verification.creator;
  if (typeof creator !== "string") {
    return {
      proof: proofCheck("failed", "no-key", "The signed assertion does not name its key (verification.creator)."),
    };
  }
  const fetched = await fetchJsonObject(creator, env);
  if (!fetched.ok) {
    return {
      proof: proofCheck("not-checked", fetched.code, `${fetched.reason}, so the signature could not be checked.`),
    };
  }
  const pem = fetched.value.publicKeyPem;
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(String(pem));
  } catch {
    return { proof: proofCheck("failed", "bad-key", `The key document at ${creator} holds no usable public key.`) };
  }
  try {
    await compactVerify(jws, key, { algorithms: ["RS256"] });
  } catch {
    return {
      proof: proofCheck(
        "failed",
        "tampered",
        `The signature does not match the key at ${creator} (or is not RS256, which OB 2.0 requires).`,
      ),
    };
  }
  const owner = typeof fetched.value.owner === "string" ? fetched.value.owner : undefined;
  return {
    proof: proofCheck("passed", "verified", `Signed with the key at ${creator} (RS256); the signature matches.`),
    owner,
  };
}

/** Whether an issuer Profile read from its own address lists the key (`publicKey`: id, object or array). */
function listsKey(issuer: Json | undefined, creator: unknown): boolean {
  const raw = issuer?.publicKey;
  const keys = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return keys.some((k) => k === creator || (isJsonObject(k) && k.id === creator));
}

/**
 * A key document's `owner` is only its own claim: the key counts as the issuer's when the issuer's Profile, read from
 * the issuer's address, lists it, or when the key is published on the issuer's own site.
 */
function keyOwnerCheck(
  key: { owner?: string; creator: unknown; issuerId?: string; listed?: boolean },
  proof: Check,
): Check {
  if (proof.outcome !== "passed") {
    return issuerCheck(
      "not-checked",
      "no-verified-key",
      "No signature could be confirmed, so nothing ties the assertion to its issuer.",
    );
  }
  const { owner, creator, issuerId, listed } = key;
  if (!issuerId) {
    return issuerCheck(
      "not-checked",
      "issuer-unresolvable",
      "The badge's issuer could not be read, so the key's owner cannot be compared with it.",
    );
  }
  if (owner !== issuerId) {
    const who = owner ?? "nobody named";
    return issuerCheck(
      "failed",
      "key-not-issuers",
      `The signing key belongs to ${who}, not to the issuer ${issuerId}.`,
    );
  }
  if (listed === false) {
    const message = `The issuer's profile (${issuerId}) does not list the signing key ${shown(creator)}.`;
    return issuerCheck("failed", "key-not-issuers", message);
  }
  const sameSite =
    typeof creator === "string" &&
    URL.canParse(creator) &&
    URL.canParse(issuerId) &&
    new URL(creator).host === new URL(issuerId).host;
  if (listed || sameSite) {
    const basis = listed ? "the issuer's profile lists it" : "it is published on the issuer's own site";
    return issuerCheck("passed", "issuers-key", `The signing key belongs to the issuer, ${issuerId} (${basis}).`);
  }
  return issuerCheck(
    "not-checked",
    "issuer-unresolvable",
    `The key names ${issuerId} as its owner, but the issuer's own profile could not be read to confirm it.`,
  );
}

async function checkHostedAssertion(
  assertion: Json,
  issuerId: string | undefined,
  env: VerifyEnv,
): Promise<{ proof: Check; issuerCheck: Check }> {
  const id = assertion.id;
  if (typeof id !== "string" || !/^https?:\/\//.test(id)) {
    return {
      proof: proofCheck("failed", "no-proof", "The hosted assertion has no web address to check it against."),
      issuerCheck: issuerCheck("not-checked", "no-verified-key", "Nothing ties the assertion to its issuer."),
    };
  }
  const hosted = await fetchJsonObject(id, env);
  if (!hosted.ok) {
    return {
      proof: proofCheck(
        "not-checked",
        hosted.code,
        `A hosted assertion is checked by reading it back from the issuer: ${hosted.reason}.`,
      ),
      issuerCheck: issuerCheck(
        "not-checked",
        "no-verified-key",
        "The assertion could not be read back from its issuer.",
      ),
    };
  }
  // The whole assertion must be the one the issuer serves: dates, evidence and the rest are what the page shows.
  const same = isDeepStrictEqual(hosted.value, assertion);
  const proof = same
    ? proofCheck("passed", "verified", `The issuer serves this same assertion at ${id}.`)
    : proofCheck("failed", "tampered", `The assertion served at ${id} differs from this one.`);
  if (!issuerId || !URL.canParse(issuerId)) {
    return {
      proof,
      issuerCheck: issuerCheck("not-checked", "issuer-unresolvable", "The badge's issuer could not be read."),
    };
  }
  const sameOrigin = new URL(id).origin === new URL(issuerId).origin;
  return {
    proof,
    issuerCheck: sameOrigin
      ? issuerCheck(
          "passed",
          "issuers-key",
          `The assertion is hosted on the issuer's own site (${new URL(id).origin}).`,
        )
      : issuerCheck(
          "failed",
          "key-not-issuers",
          `The assertion is hosted at ${new URL(id).origin}, not on the issuer's site.`,
        ),
  };
}
