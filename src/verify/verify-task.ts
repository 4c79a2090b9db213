import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { DidDocument, PublicJwk } from "../crypto/keyring.js";
import { findReservedKey } from "../domain/reserved-keys.js";
import { type Analysis, analyseCredential, finishReport, type VerifyProfile } from "./engine.js";
import { isEnvelope } from "./envelope.js";
import { RemoteFetchError, type VerifyEnv } from "./environment.js";
import { readInput } from "./read-input.js";
import type { InputFormat } from "./report.js";
import { isJsonObject, MAX_JSON_DEPTH, nestsDeeperThan } from "./safe-json.js";
import { createOb3SchemaValidator, OB3_SCHEMA_FILE, type Ob3SchemaValidator } from "./schema-check.js";
import { decisiveChecks, VC_API_CHECKS, type VcApiVerifyResult, vcApiResult, whyNot } from "./vc-api-result.js";

/**
 * A credential's fixed checks (`analyseCredential`: format, schema, proof, issuer, display) made on a worker thread of
 * the signing pool, so that the main thread keeps serving while the proof is canonicalised and checked. The task is
 * plain data (structured-cloned): the credential's JSON text as read, the profile, our issuer's public documents and
 * the clock. Fail-closed: the worker answers `ok: false` (the caller then analyses on its own thread, with everything
 * it has) whenever its answer might differ from the main thread's:
 * - the analysis wanted the network (a did:web key, a key document): the worker has none, so its answer is dropped;
 * - the worker's OB 3.0 schema is not the caller's (fingerprints differ, or the caller's has none);
 * - anything threw.
 * Validity, status and the recipient are never made here: the caller makes them live (`finishReport`).
 */
export type VerifyTask = {
  kind: "verify";
  read: { ok: true; kind: "json"; format: InputFormat; standard: "ob3" | "ob2"; text: string; from: string };
  profile: VerifyProfile;
  local: { did: string; publicUrl: string; didDocument: DidDocument; jwks: PublicJwk[] };
  /** The caller's clock (ms): a proof's `expires` is compared with it. */
  now: number;
  /** Whether the caller may read the network (remote resolution on): the worker then stops where it would. */
  network: boolean;
  /** The fingerprint of the caller's OB 3.0 schema validator: the worker checks with its own only when equal. */
  schema: string;
};

export type VerifyOutcome = { ok: true; analysis: Analysis } | { ok: false; reason: "network" | "schema" | "error" };

/** The task for a read credential, or undefined when it cannot be made off the main thread (no schema fingerprint). */
export function verifyTaskOf(read: VerifyTask["read"], env: VerifyEnv, profile: VerifyProfile): VerifyTask | undefined {
  const schema = env.ob3Schema.fingerprint;
  if (schema === undefined) {
    return undefined;
  }
  const { did, publicUrl, didDocument, jwks } = env.local;
  return {
    kind: "verify",
    read: { ok: true, kind: "json", format: read.format, standard: read.standard, text: read.text, from: read.from },
    profile,
    local: { did, publicUrl, didDocument, jwks },
    now: env.now.getTime(),
    network: env.fetchRemote !== undefined,
    schema,
  };
}

/** The worker's own validator of the bundled schema, compiled on its first check (once per thread). */
let ownSchema: Ob3SchemaValidator | undefined;
function workerSchema(): Ob3SchemaValidator {
  if (!ownSchema) {
    ownSchema = createOb3SchemaValidator(JSON.parse(readFileSync(OB3_SCHEMA_FILE, "utf8")) as Record<string, unknown>);
  }
  return ownSchema;
}

class NetworkWanted extends RemoteFetchError {}

/**
 * The worker's environment for a task: the caller's clock and issuer, the worker's schema (undefined when it is not the
 * caller's), and a network that only records that it was wanted (the caller then makes the task itself).
 */
function workerEnv(
  task: Pick<VerifyTask, "now" | "local" | "network" | "schema">,
): { env: VerifyEnv; wanted: () => boolean } | undefined {
  const ob3Schema = workerSchema();
  if (ob3Schema.fingerprint !== task.schema) {
    return undefined;
  }
  let wanted = false;
  const env: VerifyEnv = {
    now: new Date(task.now),
    local: task.local,
    ob3Schema,
    ...(task.network
      ? {
          fetchRemote: async (url: string) => {
            wanted = true;
            throw new NetworkWanted(`${url} is read by the main thread`);
          },
        }
      : {}),
  };
  return { env, wanted: () => wanted };
}

/** Runs a verify task (on a worker thread; callable anywhere): the analysis, or why the caller must make it. */
export async function runVerifyTask(task: VerifyTask): Promise<VerifyOutcome> {
  try {
    const made = workerEnv(task);
    if (!made) {
      return { ok: false, reason: "schema" };
    }
    const analysis = await analyseCredential(task.read, made.env, { profile: task.profile });
    return made.wanted() ? { ok: false, reason: "network" } : { ok: true, analysis };
  } catch {
    return { ok: false, reason: "error" };
  }
}

/**
 * Whether an analysis made without the network may be remembered for the same bytes (ServiceState.verifiedInputs): an
 * OB 3.0-style credential whose proofs cannot expire (its fixed checks then depend on those bytes and our keys alone).
 */
export function memoizable(analysis: Analysis, text: string): boolean {
  return analysis.live?.standard === "ob3" && !text.includes('"expires"');
}

/** Our credential URLs in a document's text: the first names the stored document it may be. */
const OWN_ID = /"https?:\/\/[^"]*\/credentials\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;

/**
 * The id of the stored credential of ours a credential's JSON text may be (it names its own URL under our public
 * URL), else undefined: only such a text can be answered from our records (services/verify-credential.ts).
 */
export function ownCredentialNamed(text: string, publicUrl: string): string | undefined {
  const match = OWN_ID.exec(text);
  const id = match?.[1];
  return id !== undefined && text.includes(`"${publicUrl}/credentials/${id}"`) ? id : undefined;
}

/**
 * A whole `POST /credentials/verify` made on a worker from the request body's text, so that the main thread only
 * routes the request and sends the answer: the body parsed and checked, the credential's fixed checks, the live ones
 * that need nothing but the clock (validity; status when the credential lists none; no recipient is given), and the
 * VC API's answer, as JSON text when it verified. Fail-closed, the worker hands the request back (`ok: false`: the
 * caller serves it as before, in full) whenever its answer might differ from the main thread's: a body that is not
 * plainly a valid request (anything the route's schema might refuse or read otherwise: a reserved key, another shape,
 * a credential as text or in an envelope), a credential that may be one of ours (our records answer it), one too large
 * to read, another schema, the network wanted, anything thrown. A credential whose status must be looked up (its
 * lists, ours in the database or others' over the network) comes back as its analysis: the caller finishes it.
 */
export type VcApiVerifyTask = Omit<VerifyTask, "kind" | "read" | "profile"> & {
  kind: "vc-api-verify";
  /** The request body as the client sent it (decoded as UTF-8), not yet parsed. */
  body: string;
  /** The verifier's limit on a credential's bytes (`verify.maxUploadBytes`). */
  maxBytes: number;
};

export type VcApiVerifyOutcome =
  | {
      ok: true;
      /** The answer: its JSON text when the credential verified; else the result and why, for the problem. */
      answer: { verified: true; text: string } | { verified: false; result: VcApiVerifyResult; why: string };
      /** Whether the caller would remember this credential's analysis (`memoizable`). */
      memo: boolean;
    }
  | {
      ok: true;
      /** The fixed checks; the caller makes the live ones and the answer (`checks`: the request's options.checks). */
      analysis: Analysis;
      checks: string[] | undefined;
      /** How the credential was read (the caller's memo key) and its text's length. */
      read: { format: InputFormat; from: string; length: number };
      /** The credential text's SHA-256 (base64url): the caller's memo key of its analysis. */
      digest: string;
      memo: boolean;
    }
  | { ok: false; reason: "request" | "ours" | "network" | "schema" | "error" };

/**
 * The credential and `options.checks` of a request body the route's schema (http/routes/public/vc-api-schemas.ts)
 * surely accepts, with the values it would give: an object, no reserved key anywhere, `verifiableCredential` an object
 * (not an envelope, not nesting too deep), `options` absent or an object whose `checks` is absent or an array of
 * known names. Anything else, undefined: the caller's route answers it (with its 400 when it is wrong).
 */
function plainRequest(body: string): { credential: Record<string, unknown>; checks?: string[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isJsonObject(parsed) || findReservedKey(parsed)) {
    return undefined;
  }
  const { verifiableCredential: credential, options } = parsed;
  if (!isJsonObject(credential) || isEnvelope(credential) || nestsDeeperThan(credential, MAX_JSON_DEPTH)) {
    return undefined;
  }
  if (options === undefined) {
    return { credential };
  }
  if (!isJsonObject(options)) {
    return undefined;
  }
  const checks = options.checks;
  if (checks === undefined) {
    return { credential };
  }
  const known = (name: unknown) => typeof name === "string" && Object.hasOwn(VC_API_CHECKS, name);
  return Array.isArray(checks) && checks.every(known) ? { credential, checks: checks as string[] } : undefined;
}

/** Runs a VC API verify task (on a worker thread; callable anywhere): the answer, the analysis, or a hand-back. */
export async function runVcApiVerifyTask(task: VcApiVerifyTask): Promise<VcApiVerifyOutcome> {
  try {
    const request = plainRequest(task.body);
    if (!request) {
      return { ok: false, reason: "request" };
    }
    // as services/vc-api-verify.ts reads it: the credential's JSON text, then verifyRead's own steps
    const read = readInput(
      { kind: "text", text: JSON.stringify(request.credential) },
      { maxBytes: task.maxBytes, maxPixels: 0 },
      task.local.publicUrl,
    );
    if (!read.ok || read.kind !== "json" || read.envelope !== undefined) {
      return { ok: false, reason: "request" };
    }
    if (ownCredentialNamed(read.text, task.local.publicUrl) !== undefined) {
      return { ok: false, reason: "ours" };
    }
    const made = workerEnv(task);
    if (!made) {
      return { ok: false, reason: "schema" };
    }
    const analysis = await analyseCredential(read, made.env, { profile: "vc" });
    if (made.wanted()) {
      return { ok: false, reason: "network" };
    }
    const memo = memoizable(analysis, read.text); // the network was not read (the worker has none)
    const live = analysis.live;
    if (live !== undefined && (live.standard !== "ob3" || live.credential.credentialStatus !== undefined)) {
      const digest = createHash("sha256").update(read.text).digest("base64url");
      const { format, from } = read;
      return {
        ok: true,
        analysis,
        checks: request.checks,
        read: { format, from, length: read.text.length },
        digest,
        memo,
      };
    }
    // validity against the caller's clock; no status listed (checkStatus reads nothing); no recipient given
    const report = await finishReport(analysis, made.env, undefined);
    const decisive = decisiveChecks(request.checks);
    const result = vcApiResult(report, decisive);
    return {
      ok: true,
      answer: result.verified
        ? { verified: true, text: JSON.stringify(result) }
        : { verified: false, result, why: whyNot(report, decisive) },
      memo,
    };
  } catch {
    return { ok: false, reason: "error" };
  }
}
