import { readFileSync } from "node:fs";
import type { DidDocument, PublicJwk } from "../crypto/keyring.js";
import { type Analysis, analyseCredential, type VerifyProfile } from "./engine.js";
import { RemoteFetchError, type VerifyEnv } from "./environment.js";
import type { InputFormat } from "./report.js";
import { createOb3SchemaValidator, OB3_SCHEMA_FILE, type Ob3SchemaValidator } from "./schema-check.js";

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

/** Runs a verify task (on a worker thread; callable anywhere): the analysis, or why the caller must make it. */
export async function runVerifyTask(task: VerifyTask): Promise<VerifyOutcome> {
  try {
    const ob3Schema = workerSchema();
    if (ob3Schema.fingerprint !== task.schema) {
      return { ok: false, reason: "schema" };
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
    const analysis = await analyseCredential(task.read, env, { profile: task.profile });
    return wanted ? { ok: false, reason: "network" } : { ok: true, analysis };
  } catch {
    return { ok: false, reason: "error" };
  }
}
