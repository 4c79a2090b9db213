import { validationError } from "../errors.js";
import {
  checkPresentation,
  MAX_PRESENTED_CREDENTIALS,
  PRESENTATION_NOT_APPLICABLE,
  type PresentationCheck,
  presentationCheck,
  presentedCredentials,
} from "../verify/presentation.js";
import type { Verdict } from "../verify/report.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../verify/safe-json.js";
import type { ServiceContext } from "./deps.js";
import { decisiveChecks, type VcApiVerifyResult, vcApiResult, verifyCredentialForVcApi } from "./vc-api-verify.js";
import { verifyEnv } from "./verify-credential.js";

/** The VC API's answer for a presentation: its own checks, and each credential's answer as /credentials/verify gives it. */
export type VcApiPresentationResult = {
  verified: boolean;
  checks: string[];
  warnings: string[];
  errors: string[];
  verdict: Verdict;
  results: PresentationCheck[];
  credentials: VcApiVerifyResult[];
};

export type PresentationRequest = {
  presentation: Record<string, unknown>;
  /** true for `verifiablePresentation` (a proof is required), false for the proofless `presentation` request. */
  signed: boolean;
  options: { challenge?: string; domain?: string | string[]; checks?: readonly string[] };
};

/** Worst first: the presentation's verdict is the worst of its own and its credentials'. */
const SEVERITY: Verdict[] = [
  "not-genuine",
  "invalid",
  "revoked",
  "suspended",
  "expired",
  "not-yet-valid",
  "unverified",
  "valid",
];

function ownVerdict(checks: PresentationCheck[]): Verdict {
  const failed = (id: string) => checks.some((c) => c.id === id && c.outcome === "failed");
  if (failed("proof") || failed("holder")) {
    return "not-genuine";
  }
  if (failed("format") || failed("challenge") || failed("domain")) {
    return "invalid";
  }
  const unknown = checks.some(
    (c) => c.id !== "credentials" && c.outcome === "not-checked" && !PRESENTATION_NOT_APPLICABLE.has(c.code),
  );
  return unknown ? "unverified" : "valid";
}

function credentialsCheck(results: VcApiVerifyResult[], count: number): PresentationCheck {
  if (count > MAX_PRESENTED_CREDENTIALS) {
    const message = `The presentation carries ${count} credentials; this verifier checks at most ${MAX_PRESENTED_CREDENTIALS}.`;
    return presentationCheck("credentials", "not-checked", "too-many-credentials", message);
  }
  if (count === 0) {
    return presentationCheck(
      "credentials",
      "not-checked",
      "no-credentials",
      "The presentation carries no credentials.",
    );
  }
  const bad = results.findIndex((r) => !r.verified);
  if (bad < 0) {
    const message = count === 1 ? "Its credential verifies." : `All ${count} of its credentials verify.`;
    return presentationCheck("credentials", "passed", "verified", message);
  }
  const result = results[bad] as VcApiVerifyResult;
  const why = result.errors[0] ?? result.warnings[0] ?? "";
  const message = `Credential ${bad + 1} of ${count} did not verify (${result.verdict}): ${why}`;
  return presentationCheck("credentials", result.errors.length > 0 ? "failed" : "not-checked", result.verdict, message);
}

/**
 * `POST /presentations/verify`: the presentation's own checks (form, proof with the `authentication` purpose, holder,
 * challenge, domain) and every credential it carries, verified by the same engine as /credentials/verify with the
 * same `options.checks`. Verified when all of it is.
 */
export async function verifyPresentationForVcApi(
  ctx: ServiceContext,
  request: PresentationRequest,
): Promise<{ result: VcApiPresentationResult; why: string }> {
  const { presentation, signed, options } = request;
  const field = signed ? "verifiablePresentation" : "presentation";
  if (nestsDeeperThan(presentation, MAX_JSON_DEPTH)) {
    throw validationError([{ path: field, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  const own = await checkPresentation(presentation, { signed, ...options }, await verifyEnv(ctx));
  const members = presentedCredentials(presentation);
  const decisive = decisiveChecks(options.checks);
  const credentials: VcApiVerifyResult[] = [];
  if (members.length <= MAX_PRESENTED_CREDENTIALS) {
    for (const [i, member] of members.entries()) {
      const value = typeof member === "string" || (typeof member === "object" && member !== null) ? member : "";
      const report = await verifyCredentialForVcApi(
        ctx,
        value as string | Record<string, unknown>,
        `${field}.verifiableCredential.${i}`,
      );
      credentials.push(vcApiResult(report, decisive));
    }
  }
  const checks = [...own, credentialsCheck(credentials, members.length)];
  const blocking = (c: PresentationCheck) =>
    c.outcome === "failed" || (c.outcome === "not-checked" && !PRESENTATION_NOT_APPLICABLE.has(c.code));
  const verdicts = [ownVerdict(checks), ...credentials.map((c) => c.verdict)];
  const result: VcApiPresentationResult = {
    verified: !checks.some(blocking),
    checks: checks.filter((c) => c.outcome === "passed").map((c) => c.id),
    warnings: checks.filter((c) => c.outcome === "not-checked").map((c) => c.message),
    errors: checks.filter((c) => c.outcome === "failed").map((c) => c.message),
    verdict: SEVERITY.find((v) => verdicts.includes(v)) ?? "unverified",
    results: checks,
    credentials,
  };
  return { result, why: checks.find(blocking)?.message ?? "" };
}
