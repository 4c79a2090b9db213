import type { Check, CheckId, Verdict } from "./report.js";

/** Checks in the order every report lists them. */
export const CHECK_ORDER: CheckId[] = ["format", "schema", "proof", "issuer", "validity", "status", "recipient"];

const TITLES: Record<CheckId, string> = {
  format: "Readable credential",
  schema: "Open Badges 3.0 format",
  proof: "Signature",
  issuer: "Issuer",
  validity: "Validity period",
  status: "Revocation and suspension",
  recipient: "Recipient",
};

/** A check that could not run because an earlier step found nothing to check. */
export function skippedCheck(id: CheckId, message: string, code = "skipped"): Check {
  return { id, outcome: "not-checked", title: TITLES[id], message, code };
}

export function formatCheck(outcome: Check["outcome"], code: string, message: string): Check {
  return { id: "format", outcome, title: TITLES.format, message, code };
}

/** Codes of not-checked results that mean "does not apply" rather than "could not find out". */
const NOT_APPLICABLE = new Set(["no-status", "no-email-given", "no-email-identifier", "ob2"]);

/**
 * The headline, worst first (see Verdict in report.ts). A proof or issuer check that could not be made gives
 * "unverified" before any status or validity verdict; another check that applies but could not be made turns an
 * otherwise clean result into "unverified"; the recipient check never decides the verdict, which is about the credential itself
 * (a mismatch shows as that failed check).
 */
export function decideVerdict(checks: Check[]): Verdict {
  if (failed(checks, "proof") || failed(checks, "issuer")) {
    return "not-genuine";
  }
  if (failed(checks, "format") || failed(checks, "schema")) {
    return "invalid";
  }
  // Without a confirmed signature and issuer nothing else can be vouched for: not even "expired" or "revoked", whose
  // banners say the credential is genuine.
  if (checkOf(checks, "proof")?.outcome !== "passed" || checkOf(checks, "issuer")?.outcome !== "passed") {
    return "unverified";
  }
  const status = checkOf(checks, "status");
  if (status?.outcome === "failed") {
    return status.code === "suspended" ? "suspended" : "revoked";
  }
  const validity = checkOf(checks, "validity");
  if (validity?.outcome === "failed") {
    return validity.code === "expired" ? "expired" : validity.code === "not-yet-valid" ? "not-yet-valid" : "invalid";
  }
  const unknown = checks.some(
    (c) => c.id !== "recipient" && c.outcome === "not-checked" && !NOT_APPLICABLE.has(c.code ?? ""),
  );
  return unknown ? "unverified" : "valid";
}

/**
 * The first check of `checks` with this id (module functions, not closures made per call: under tsx, as the service
 * runs, every named closure is given its name by a defineProperty call, about 0.3 µs, on every page view).
 */
function checkOf(checks: Check[], id: CheckId): Check | undefined {
  for (const check of checks) {
    if (check.id === id) {
      return check;
    }
  }
  return undefined;
}

function failed(checks: Check[], id: CheckId): boolean {
  return checkOf(checks, id)?.outcome === "failed";
}
