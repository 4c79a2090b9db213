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
  const get = (id: CheckId) => checks.find((c) => c.id === id);
  const failed = (id: CheckId) => get(id)?.outcome === "failed";
  if (failed("proof") || failed("issuer")) {
    return "not-genuine";
  }
  if (failed("format") || failed("schema")) {
    return "invalid";
  }
  // Without a confirmed signature and issuer nothing else can be vouched for: not even "expired" or "revoked", whose
  // banners say the credential is genuine.
  if (get("proof")?.outcome !== "passed" || get("issuer")?.outcome !== "passed") {
    return "unverified";
  }
  const status = get("status");
  if (status?.outcome === "failed") {
    return status.code === "suspended" ? "suspended" : "revoked";
  }
  const validity = get("validity");
  if (validity?.outcome === "failed") {
    return validity.code === "expired" ? "expired" : validity.code === "not-yet-valid" ? "not-yet-valid" : "invalid";
  }
  const unknown = checks.some(
    (c) => c.id !== "recipient" && c.outcome === "not-checked" && !NOT_APPLICABLE.has(c.code ?? ""),
  );
  return unknown ? "unverified" : "valid";
}
