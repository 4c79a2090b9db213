import type { Check, Verdict } from "../verify/report.js";
import type { ServiceContext } from "./deps.js";
import { credentialInput, verifyCredentialInput } from "./verify-credential.js";

/** The W3C VC API verifier's answer: the ids of the checks that passed, and the others' sentences. */
export type VcApiVerifyResult = {
  verified: boolean;
  checks: string[];
  warnings: string[];
  errors: string[];
  verdict: Verdict;
  results: Check[];
};

/** A VC API EnvelopedVerifiableCredential carries its VC-JWT in a data: URL. */
function unwrapEnvelope(value: string | Record<string, unknown>): string | Record<string, unknown> {
  if (typeof value === "object" && value.type === "EnvelopedVerifiableCredential" && typeof value.id === "string") {
    const match = /^data:application\/(?:vc\+jwt|vc\+ld\+json\+jwt|jwt)[^,]*,(.+)$/.exec(value.id);
    if (match) {
      return match[1] as string;
    }
  }
  return value;
}

/**
 * Verifies a VC API `verifiableCredential` (a credential, a compact JWS or an envelope of one) and answers in the VC
 * API's shape, with `why`: the sentence of the first check that failed, else of the first that could not be made.
 */
export async function verifyForVcApi(
  ctx: ServiceContext,
  verifiableCredential: string | Record<string, unknown>,
): Promise<{ result: VcApiVerifyResult; why: string }> {
  const input = credentialInput(unwrapEnvelope(verifiableCredential), "verifiableCredential");
  const report = await verifyCredentialInput(ctx, input);
  const messages = (outcome: string) => report.checks.filter((k) => k.outcome === outcome).map((k) => k.message);
  const result = {
    verified: report.verdict === "valid",
    checks: report.checks.filter((k) => k.outcome === "passed").map((k) => k.id),
    warnings: messages("not-checked"),
    errors: messages("failed"),
    verdict: report.verdict,
    results: report.checks,
  };
  const why =
    report.checks.find((k) => k.outcome === "failed") ?? report.checks.find((k) => k.outcome === "not-checked");
  return { result, why: why?.message ?? "" };
}
