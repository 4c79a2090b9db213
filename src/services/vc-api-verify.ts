import { createHash } from "node:crypto";
import { finishReport } from "../verify/engine.js";
import { isEnvelope, readEnvelope } from "../verify/envelope.js";
import type { VerificationReport } from "../verify/report.js";
import { decisiveChecks, type VcApiVerifyResult, vcApiResult, whyNot } from "../verify/vc-api-result.js";
import type { VcApiVerifyOutcome, VcApiVerifyTask } from "../verify/verify-task.js";
import type { ServiceContext } from "./deps.js";

// the VC API answer's shape is pure (verify/vc-api-result.ts): a worker builds it too
export { decisiveChecks, VC_API_CHECKS, type VcApiVerifyResult, vcApiResult, whyNot } from "../verify/vc-api-result.js";

import {
  credentialInput,
  deepFreeze,
  verifiedInputKey,
  verifyCredentialInput,
  verifyEnv,
  verifyRead,
} from "./verify-credential.js";

/**
 * Verifies what a VC API client sends as a credential: one with embedded proofs, a compact JWS (VC-JWT), or an
 * `EnvelopedVerifiableCredential` (VC-JOSE-COSE `data:application/vc+jwt,…`), with the VC API's profile: any
 * verifiable credential, Open Badges still held to their schema.
 */
export async function verifyCredentialForVcApi(
  ctx: ServiceContext,
  value: string | Record<string, unknown>,
  field: string,
  options: { onWorker?: boolean } = {},
): Promise<VerificationReport> {
  const how = { profile: "vc", ...(options.onWorker === false ? { onWorker: false } : {}) } as const;
  if (typeof value === "object" && isEnvelope(value)) {
    credentialInput(value, field); // refuses what nests too deep, as for any credential
    return verifyRead(ctx, readEnvelope(value), how);
  }
  return verifyCredentialInput(ctx, credentialInput(value, field), how);
}

/** `POST /credentials/verify`: the report, in the VC API's shape, with `why` for the problem's detail. */
export async function verifyForVcApi(
  ctx: ServiceContext,
  verifiableCredential: string | Record<string, unknown>,
  options: { checks?: readonly string[]; onWorker?: boolean } = {},
): Promise<{ result: VcApiVerifyResult; why: string }> {
  const report = await verifyCredentialForVcApi(ctx, verifiableCredential, "verifiableCredential", {
    onWorker: options.onWorker,
  });
  const decisive = decisiveChecks(options.checks);
  return { result: vcApiResult(report, decisive), why: whyNot(report, decisive) };
}

/**
 * A `/credentials/verify` answer made from the request body alone: its JSON text when verified, else the problem's;
 * or the request handed back to the route, to serve in full as before (`onWorker`: whether its analysis may still be
 * asked of a worker: not once a worker found that it wants the network, another schema, or failed).
 */
export type VcApiBodyAnswer =
  | { verified: true; text: string }
  | { verified: false; result: VcApiVerifyResult; why: string }
  | { verified?: undefined; onWorker: boolean };

/**
 * Whether `/credentials/verify` should be answered whole on a worker (`answerBodyOnWorker`): the service has workers
 * and enough other verifications are in progress (ServiceState.verifications `wholeOnWorkerFrom`: by default none).
 */
export function answersOnWorker(ctx: ServiceContext): boolean {
  const { analysing, wholeOnWorkerFrom } = ctx.state.verifications;
  return ctx.signing.size > 0 && analysing >= wholeOnWorkerFrom;
}

/**
 * `POST /credentials/verify` made whole on a worker of the signing pool from the request body's text (verify/
 * verify-task.ts `runVcApiVerifyTask`): the body's parsing and checks, the credential's, the answer's JSON, all off
 * this thread, which then only routes the request and sends the answer. Our keys and clock are this moment's, read
 * here as for any verification. Handed back, and the route serves the request as before, in full, whenever the worker
 * hands it back (anything it cannot vouch is answered as this thread would: see the task), the pool takes no more,
 * or this body was answered on a worker before (this thread then answers it, and remembers its analysis for the next
 * time, as for any credential: `verifiedInputs`). A credential whose status must be looked up comes back analysed:
 * its live checks are made here.
 */
export async function answerBodyOnWorker(ctx: ServiceContext, body: string): Promise<VcApiBodyAnswer> {
  const { verifications } = ctx.state;
  const bodyDigest = createHash("sha256").update(body).digest("base64url");
  const handBack = { onWorker: true };
  if (verifications.answeredBodies.has(bodyDigest)) {
    return handBack;
  }
  const keys = await ctx.keys.fresh();
  const env = await verifyEnv(ctx, keys);
  const schema = env.ob3Schema.fingerprint;
  if (schema === undefined) {
    return { onWorker: false };
  }
  const { did, publicUrl, didDocument, jwks } = env.local;
  const task: VcApiVerifyTask = {
    kind: "vc-api-verify",
    body,
    maxBytes: ctx.config.verify.maxUploadBytes,
    local: { did, publicUrl, didDocument, jwks },
    now: env.now.getTime(),
    network: env.fetchRemote !== undefined,
    schema,
  };
  verifications.analysing += 1;
  let outcome: VcApiVerifyOutcome | undefined;
  try {
    outcome = await ctx.signing.host<VcApiVerifyOutcome>(task);
  } finally {
    verifications.analysing -= 1;
  }
  if (!outcome?.ok) {
    // none (the pool took no more, or lost the task twice: a request that kills workers is not sent to a third), or
    // one the workers cannot make: this thread makes it; only a request or one of ours may still have its analysis
    // made on a worker
    return outcome?.reason === "request" || outcome?.reason === "ours" ? handBack : { onWorker: false };
  }
  if ("answer" in outcome) {
    if (outcome.memo) {
      verifications.answeredBodies.set(bodyDigest, true);
    }
    return outcome.answer;
  }
  const { analysis, read, digest, checks } = outcome;
  if (outcome.memo) {
    const key = verifiedInputKey("vc", read, keys.keyset, digest);
    ctx.state.verifiedInputs.set(key, deepFreeze(analysis), { size: Math.max(1, read.length) });
  }
  const report = await finishReport(analysis, env, undefined);
  const decisive = decisiveChecks(checks);
  const result = vcApiResult(report, decisive);
  return result.verified
    ? { verified: true, text: JSON.stringify(result) }
    : { verified: false, result, why: whyNot(report, decisive) };
}
