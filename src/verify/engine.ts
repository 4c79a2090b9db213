import { ob3Display } from "./display.js";
import { issuerIdOf, verifyEmbeddedProofs } from "./embedded-proofs.js";
import { envelopeBreach } from "./envelope.js";
import type { VerifyEnv } from "./environment.js";
import { checkIssuer } from "./issuer-check.js";
import { resolveKey } from "./keys.js";
import { analyseOb2, isOb2Assertion } from "./ob2.js";
import { checkOb2Status, ob2Dates, ob2EmailIdentities } from "./ob2-live.js";
import { isOpenBadgeCredential } from "./open-badge.js";
import type { ProofResult } from "./proof-result.js";
import type { ReadCredential } from "./read-input.js";
import { checkRecipient, ob3EmailIdentities } from "./recipient.js";
import { fetchJsonObject } from "./remote.js";
import type { Check, CredentialDisplay, InputFormat, VerificationReport } from "./report.js";
import { isJsonObject, parsedJson, parseJson } from "./safe-json.js";
import { checkSchema } from "./schema-check.js";
import { checkStatus } from "./status.js";
import { checkValidity, type TokenTimes } from "./validity.js";
import { decodeJws, verifyJwsProof } from "./vc-jwt-proof.js";
import { checkVcdm } from "./vcdm-check.js";
import { CHECK_ORDER, decideVerdict, formatCheck, skippedCheck } from "./verdict.js";

type Json = Record<string, unknown>;

/**
 * The part of a verification fixed by the credential's bytes and the keys: format, schema, proof, issuer, display.
 * It may be cached for a stored credential; validity, status and recipient are always evaluated live.
 */
export type Analysis = {
  format?: InputFormat;
  credential?: Json;
  display?: CredentialDisplay;
  fixed: Check[];
  live?:
    | { standard: "ob3"; credential: Json; token?: TokenTimes }
    | { standard: "ob2"; assertion: Json; issuer?: Json };
  /** Made by `analyseOwnRecord` (from our records, the signature not computed again): the only kind projected. */
  ownRecord?: true;
};

/**
 * Which credentials an entry point verifies: "open-badges" (the public pages and /api/verify: an Open Badge, held to the
 * OB 3.0 schema) or "vc" (the W3C VC API: any verifiable credential; an Open Badge is still held to its schema, any
 * other to the VC Data Model rules).
 */
export type VerifyProfile = "open-badges" | "vc";
export type AnalyseOptions = { profile?: VerifyProfile };

const NOTHING_READ = "Not checked: no credential could be read.";

function unreadable(format: InputFormat | undefined, code: string, message: string, unsupported = false): Analysis {
  return {
    ...(format ? { format } : {}),
    fixed: [
      formatCheck(unsupported ? "not-checked" : "failed", code, message),
      skippedCheck("schema", NOTHING_READ),
      skippedCheck("proof", NOTHING_READ),
      skippedCheck("issuer", NOTHING_READ),
    ],
  };
}

function proofCheck(result: ProofResult): Check {
  return { id: "proof", outcome: result.outcome, title: "Signature", message: result.message, code: result.code };
}

/** The OB 3.0 JSON Schema for an Open Badge (and, in the Open Badges profile, for anything); else the VCDM rules. */
function schemaCheckOf(credential: Json, env: VerifyEnv, profile: VerifyProfile): Check {
  return profile === "vc" && !isOpenBadgeCredential(credential)
    ? checkVcdm(credential)
    : checkSchema(credential, env.ob3Schema);
}

/** What a page shows of the credential; none for the VC API (its answers carry no display: not worth computing). */
function displayFor(credential: Json, profile: VerifyProfile): { display?: CredentialDisplay } {
  return profile === "vc" ? {} : { display: ob3Display(credential) };
}

/** Reads and checks everything about the credential that does not depend on time, status or the visitor. */
export async function analyseCredential(
  read: ReadCredential,
  env: VerifyEnv,
  options: AnalyseOptions = {},
): Promise<Analysis> {
  const profile = options.profile ?? "open-badges";
  if (!read.ok) {
    return unreadable(read.format, read.code, read.message, read.unsupported);
  }
  if (read.kind === "ours") {
    throw new Error("links to our own credentials are resolved by the service, not the engine");
  }
  if (read.kind === "hosted") {
    return analyseOb2Json(
      { id: read.url, verification: { type: "hosted" } },
      undefined,
      read.format,
      read.from,
      env,
      true,
    );
  }
  if (read.kind === "jws") {
    return analyseJws(read, env, profile);
  }
  const parsed = read.parsed !== undefined ? parsedJson(read.text, read.parsed) : parseJson(read.text);
  if (!parsed.ok) {
    return unreadable(read.format, "bad-json", `The JSON could not be read: ${parsed.reason}.`);
  }
  if (!isJsonObject(parsed.value)) {
    return unreadable(read.format, "not-an-object", "The JSON is not an object, so it cannot be a credential.");
  }
  if (read.standard === "ob2" || isOb2Assertion(parsed.value)) {
    return analyseOb2Json(parsed.value, undefined, read.format, read.from, env);
  }
  const credential = parsed.value;
  const notACredential = notAVerifiableCredential(credential, read.format);
  if (notACredential) {
    return notACredential;
  }
  const proof = await verifyEmbeddedProofs(credential, env, { signer: issuerIdOf(credential) });
  return {
    format: read.format,
    credential,
    ...displayFor(credential, profile),
    fixed: [
      formatCheck("passed", "read", `Read a credential with an embedded proof from ${read.from}.`),
      schemaCheckOf(credential, env, profile),
      proofCheck(proof),
      await checkIssuer(issuerIdOf(credential), proof, env),
    ],
    live: { standard: "ob3", credential },
  };
}

/**
 * The analysis of a document this service signed and stored itself, read back from its records: every check as
 * `analyseCredential` makes it except the signature, which is not computed again. The document was signed here, with
 * one of our keys, and the records are the authority for everything else the page says (status, revocation, reasons,
 * history): whoever can rewrite a row can already make any credential read as valid or not, so re-checking the
 * signature on every view guards against nothing the database does not already decide. Others verify the signature
 * themselves (the JSON, the baked badges, /credentials/verify with a changed byte all take the full path).
 * Fail-closed: undefined (the caller verifies in full) unless the document is a credential of our DID carrying exactly
 * one eddsa-rdfc-2022 proof for assertion, without expiry or chain, made with a key our DID document publishes now.
 */
export async function analyseOwnRecord(
  read: { text: string; format: InputFormat; from: string },
  env: VerifyEnv,
): Promise<Analysis | undefined> {
  const parsed = parseJson(read.text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return undefined;
  }
  const credential = parsed.value;
  const issuer = issuerIdOf(credential);
  const proofs = Array.isArray(credential.proof) ? credential.proof : [credential.proof];
  const proof = proofs[0];
  if (
    issuer !== env.local.did ||
    notAVerifiableCredential(credential, read.format) ||
    proofs.length !== 1 ||
    !isJsonObject(proof) ||
    proof.type !== "DataIntegrityProof" ||
    proof.cryptosuite !== "eddsa-rdfc-2022" ||
    proof.proofPurpose !== "assertionMethod" ||
    typeof proof.verificationMethod !== "string" ||
    !proof.verificationMethod.startsWith(`${env.local.did}#`) ||
    "expires" in proof ||
    "previousProof" in proof
  ) {
    return undefined;
  }
  const signed = await ownSignature(issuer, proof.verificationMethod, env);
  if (!signed) {
    return undefined;
  }
  return {
    format: read.format,
    credential,
    display: ob3Display(credential),
    fixed: [
      formatCheck("passed", "read", `Read a credential with an embedded proof from ${read.from}.`),
      schemaCheckOf(credential, env, "open-badges"),
      signed.proof,
      signed.issuer,
    ],
    live: { standard: "ob3", credential },
    ownRecord: true,
  };
}

/** The proof and issuer checks of a document of ours signed with `verificationMethod`: undefined unless it is a key our DID document publishes now. */
async function ownSignature(
  issuer: string,
  verificationMethod: string,
  env: VerifyEnv,
): Promise<{ proof: Check; issuer: Check } | undefined> {
  if (issuer !== env.local.did || !verificationMethod.startsWith(`${env.local.did}#`)) {
    return undefined;
  }
  const key = await resolveKey(verificationMethod, env);
  if (!key.ok || key.via !== "ours" || !key.ed25519) {
    return undefined;
  }
  const result: ProofResult = {
    outcome: "passed",
    code: "verified",
    message: `Signed by ${key.id} (eddsa-rdfc-2022) when this service issued it; read from its records.`,
    key,
  };
  return { proof: proofCheck(result), issuer: await checkIssuer(issuer, result, env) };
}

/**
 * What `analyseOwnRecord` needs of a stored document of ours, to answer again without it: its issuer and signing key
 * (the proof and issuer checks are made again from them, against our keys of the moment), its schema check and display
 * (fixed by its bytes and the schema), and the members the live checks read (validity and status: `LIVE_MEMBERS`).
 * A credential page's projection (services/credential-page-projection.ts). Not for a recipient check (the
 * identifiers are not kept).
 */
export type OwnRecordProjection = {
  issuer: string;
  verificationMethod: string;
  schema: Check;
  display: CredentialDisplay;
  live: Json;
};

/** The members of a credential `finishReport` reads for validity and status (checkValidity, checkStatus). */
const LIVE_MEMBERS = ["id", "validFrom", "validUntil", "issuanceDate", "expirationDate", "credentialStatus"] as const;

/** The projection of a stored document's own-record analysis (`analyseOwnRecord`'s answer only; else undefined). */
export function projectOwnRecord(analysis: Analysis): OwnRecordProjection | undefined {
  const credential = analysis.credential;
  const schema = analysis.fixed[1];
  const proofs = credential && (Array.isArray(credential.proof) ? credential.proof : [credential.proof]);
  const proof = proofs?.[0];
  if (
    analysis.ownRecord !== true ||
    !credential ||
    !analysis.display ||
    schema?.id !== "schema" ||
    analysis.live?.standard !== "ob3" ||
    analysis.live.token !== undefined ||
    !isJsonObject(proof) ||
    typeof proof.verificationMethod !== "string"
  ) {
    return undefined;
  }
  const issuer = issuerIdOf(credential);
  if (issuer === undefined) {
    return undefined;
  }
  const live: Json = {};
  for (const member of LIVE_MEMBERS) {
    if (credential[member] !== undefined) {
      live[member] = credential[member];
    }
  }
  return { issuer, verificationMethod: proof.verificationMethod, schema, display: analysis.display, live };
}

/**
 * `analyseOwnRecord` answered again from a projection of it, without the document: the same checks and display (no
 * `credential`: the live checks read the projection's members). Undefined (the caller reads the document) unless the
 * signing key is one our DID document publishes now.
 */
export async function analyseOwnProjection(
  projection: OwnRecordProjection,
  read: { format: InputFormat; from: string },
  env: VerifyEnv,
): Promise<Analysis | undefined> {
  const signed = await ownSignature(projection.issuer, projection.verificationMethod, env);
  if (!signed) {
    return undefined;
  }
  return {
    format: read.format,
    display: projection.display,
    fixed: [
      formatCheck("passed", "read", `Read a credential with an embedded proof from ${read.from}.`),
      projection.schema,
      signed.proof,
      signed.issuer,
    ],
    live: { standard: "ob3", credential: projection.live },
  };
}

/** A JSON object that is not a verifiable credential at all (a key, a DID document…) is unreadable, not forged. */
function notAVerifiableCredential(value: Json, format: InputFormat): Analysis | undefined {
  const types = (Array.isArray(value.type) ? value.type : [value.type]).filter((t) => typeof t === "string");
  if (types.includes("VerifiableCredential")) {
    return undefined;
  }
  const shown = types.length > 0 ? `its type is ${types.join(", ")}` : "it has no type";
  return unreadable(format, "not-a-credential", `This is not a verifiable credential (${shown}).`);
}

async function analyseJws(
  read: { text: string; format: InputFormat; from: string; envelope?: "vc+jwt" },
  env: VerifyEnv,
  profile: VerifyProfile,
): Promise<Analysis> {
  const { text: jws, format, from } = read;
  const decoded = decodeJws(jws);
  if (!decoded) {
    return unreadable(format, "bad-token", "The token's header or payload is not a JSON object.");
  }
  const notEnveloped = read.envelope ? envelopeBreach(decoded.header, decoded.payload) : undefined;
  if (notEnveloped) {
    return unreadable(format, "bad-envelope", notEnveloped);
  }
  if (isOb2Assertion(decoded.payload)) {
    return analyseOb2Json(decoded.payload, jws, format, from, env);
  }
  const { credential, payload } = decoded;
  const notACredential = notAVerifiableCredential(credential, format);
  if (notACredential) {
    return notACredential;
  }
  const proof = await verifyJwsProof(jws, decoded, env);
  return {
    format,
    credential,
    ...displayFor(credential, profile),
    fixed: [
      formatCheck("passed", "read", `Read a credential signed as a VC-JWT from ${from}.`),
      schemaCheckOf(credential, env, profile),
      proofCheck(proof),
      await checkIssuer(issuerIdOf(credential), proof, env),
    ],
    live: { standard: "ob3", credential, token: { nbf: payload.nbf, exp: payload.exp } },
  };
}

async function analyseOb2Json(
  assertion: Json,
  jws: string | undefined,
  format: InputFormat,
  from: string,
  env: VerifyEnv,
  hostedLink = false,
): Promise<Analysis> {
  // an image may carry only the hosted assertion's address: read it from the issuer when the network is allowed
  let content = assertion;
  if (hostedLink) {
    const url = String(assertion.id);
    const fetched = await fetchJsonObject(url, env);
    if (!fetched.ok || !isOb2Assertion(fetched.value)) {
      const why = fetched.ok ? `${url} is not an Open Badges 2.0 assertion` : fetched.reason;
      return {
        format,
        fixed: [
          formatCheck("passed", "read", `Read a link to an Open Badges 2.0 assertion (${url}) from ${from}.`),
          skippedCheck(
            "schema",
            "Open Badges 2.0 is read for display; the Open Badges 3.0 schema does not apply.",
            "ob2",
          ),
          skippedCheck(
            "proof",
            `The badge holds only the address of its assertion: ${why}.`,
            fetched.ok ? "unreachable" : fetched.code,
          ),
          skippedCheck(
            "issuer",
            "The assertion could not be read, so neither could its issuer.",
            "issuer-unresolvable",
          ),
        ],
      };
    }
    content = fetched.value;
  }
  const facts = await analyseOb2(content, jws, env);
  const how = jws ? "a signed Open Badges 2.0 assertion" : "an Open Badges 2.0 assertion";
  return {
    format,
    credential: content,
    display: facts.display,
    fixed: [
      formatCheck("passed", "read", `Read ${how} from ${from}.`),
      skippedCheck("schema", "Open Badges 2.0 is read for display; the Open Badges 3.0 schema does not apply.", "ob2"),
      facts.proof,
      facts.issuerCheck,
    ],
    live: { standard: "ob2", assertion: content, ...(facts.issuer ? { issuer: facts.issuer } : {}) },
  };
}

/** Adds the live checks (validity against the injected clock, status, recipient) and the verdict. */
export async function finishReport(
  analysis: Analysis,
  env: VerifyEnv,
  recipientEmail: string | undefined,
): Promise<VerificationReport> {
  const live = analysis.live;
  const checks: Check[] = [...analysis.fixed];
  if (!live) {
    checks.push(
      skippedCheck("validity", NOTHING_READ),
      skippedCheck("status", NOTHING_READ),
      skippedCheck("recipient", NOTHING_READ),
    );
  } else if (live.standard === "ob3") {
    checks.push(
      checkValidity(live.credential, env.now, live.token),
      await checkStatus(live.credential, env),
      checkRecipient(ob3EmailIdentities(live.credential), recipientEmail),
    );
  } else {
    checks.push(
      checkValidity(ob2Dates(live.assertion), env.now),
      await checkOb2Status(live.assertion, live.issuer, env),
      checkRecipient(ob2EmailIdentities(live.assertion), recipientEmail),
    );
  }
  checks.sort((a, b) => CHECK_ORDER.indexOf(a.id) - CHECK_ORDER.indexOf(b.id));
  return {
    verdict: decideVerdict(checks),
    checks,
    ...(analysis.format ? { format: analysis.format } : {}),
    ...(analysis.credential ? { credential: analysis.credential } : {}),
    ...(analysis.display ? { display: analysis.display } : {}),
    checkedAt: env.now.toISOString(),
  };
}
