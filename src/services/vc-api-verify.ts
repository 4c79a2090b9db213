import { isEnvelope, readEnvelope } from "../verify/envelope.js";
import type { Check, CheckId, Verdict, VerificationReport } from "../verify/report.js";
import { decideVerdict } from "../verify/verdict.js";
import type { ServiceContext } from "./deps.js";
import { credentialInput, verifyCredentialInput, verifyRead } from "./verify-credential.js";

/** The W3C VC API verifier's answer: the ids of the checks that passed, and the others' sentences. */
export type VcApiVerifyResult = {
  verified: boolean;
  checks: string[];
  warnings: string[];
  errors: string[];
  verdict: Verdict;
  results: Check[];
};

/**
 * The names `options.checks` accepts: the report's check ids, and `credentialStatus` (the VC API implementations' name
 * for the status check). The format, proof and issuer checks always count: nothing else can be vouched for without them.
 */
export const VC_API_CHECKS: Record<string, CheckId> = {
  format: "format",
  schema: "schema",
  proof: "proof",
  issuer: "issuer",
  validity: "validity",
  status: "status",
  credentialStatus: "status",
};
const ALWAYS: CheckId[] = ["format", "proof", "issuer"];

/** The checks that decide `verified`: every one when `options.checks` is absent, else those named plus ALWAYS. */
export function decisiveChecks(requested: readonly string[] | undefined): Set<CheckId> | undefined {
  if (requested === undefined) {
    return undefined;
  }
  return new Set([...ALWAYS, ...requested.flatMap((name) => VC_API_CHECKS[name] ?? [])]);
}

/**
 * A report in the VC API's shape. Every check is made and reported (`results`; `checks` lists each that passed), but
 * only the decisive ones decide `verified` and go to `errors` when they fail; a failure of another is a warning.
 * `verdict` stays the headline of the whole report.
 */
export function vcApiResult(report: VerificationReport, decisive: Set<CheckId> | undefined): VcApiVerifyResult {
  const counts = (check: Check) => decisive === undefined || decisive.has(check.id);
  const failed = report.checks.filter((k) => k.outcome === "failed");
  return {
    verified: decideVerdict(report.checks.filter(counts)) === "valid",
    checks: report.checks.filter((k) => k.outcome === "passed").map((k) => k.id),
    warnings: [
      ...report.checks.filter((k) => k.outcome === "not-checked").map((k) => k.message),
      ...failed.filter((k) => !counts(k)).map((k) => `${k.title} (not among options.checks): ${k.message}`),
    ],
    errors: failed.filter(counts).map((k) => k.message),
    verdict: report.verdict,
    results: report.checks,
  };
}

/** The sentence of the first decisive check that failed, else of the first that could not be made. */
export function whyNot(report: VerificationReport, decisive: Set<CheckId> | undefined): string {
  const counts = (check: Check) => decisive === undefined || decisive.has(check.id);
  const why =
    report.checks.find((k) => k.outcome === "failed" && counts(k)) ??
    report.checks.find((k) => k.outcome === "not-checked" && counts(k));
  return why?.message ?? "";
}

/**
 * Verifies what a VC API client sends as a credential: one with embedded proofs, a compact JWS (VC-JWT), or an
 * `EnvelopedVerifiableCredential` (VC-JOSE-COSE `data:application/vc+jwt,…`), with the VC API's profile: any
 * verifiable credential, Open Badges still held to their schema.
 */
export async function verifyCredentialForVcApi(
  ctx: ServiceContext,
  value: string | Record<string, unknown>,
  field: string,
): Promise<VerificationReport> {
  if (typeof value === "object" && isEnvelope(value)) {
    credentialInput(value, field); // refuses what nests too deep, as for any credential
    return verifyRead(ctx, readEnvelope(value), { profile: "vc" });
  }
  return verifyCredentialInput(ctx, credentialInput(value, field), { profile: "vc" });
}

/** `POST /credentials/verify`: the report, in the VC API's shape, with `why` for the problem's detail. */
export async function verifyForVcApi(
  ctx: ServiceContext,
  verifiableCredential: string | Record<string, unknown>,
  options: { checks?: readonly string[] } = {},
): Promise<{ result: VcApiVerifyResult; why: string }> {
  const report = await verifyCredentialForVcApi(ctx, verifiableCredential, "verifiableCredential");
  const decisive = decisiveChecks(options.checks);
  return { result: vcApiResult(report, decisive), why: whyNot(report, decisive) };
}
