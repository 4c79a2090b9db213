import { describe, expect, it } from "vitest";
import type { Check } from "../../src/verify/report.js";
import { decideVerdict } from "../../src/verify/verdict.js";

describe("verdict", () => {
  const checks = (overrides: Partial<Record<Check["id"], [Check["outcome"], string?]>>): Check[] =>
    (["format", "schema", "proof", "issuer", "validity", "status", "recipient"] as const).map((id) => {
      const [outcome, code] = overrides[id] ?? ["passed"];
      return { id, outcome, title: id, message: "", ...(code ? { code } : {}) };
    });

  it.each([
    [{}, "valid"],
    [{ status: ["not-checked", "no-status"], recipient: ["not-checked", "no-email-given"] }, "valid"],
    [{ recipient: ["failed", "no-match"] }, "valid"],
    [{ proof: ["failed", "tampered"], validity: ["failed", "expired"] }, "not-genuine"],
    [{ issuer: ["failed"] }, "not-genuine"],
    [{ schema: ["failed"], status: ["failed", "revoked"] }, "invalid"],
    [{ status: ["failed", "revoked"], validity: ["failed", "expired"] }, "revoked"],
    [{ status: ["failed", "suspended"] }, "suspended"],
    [{ validity: ["failed", "expired"], proof: ["not-checked", "remote-disabled"] }, "unverified"],
    [{ status: ["failed", "revoked"], issuer: ["not-checked", "issuer-unresolvable"] }, "unverified"],
    [{ validity: ["failed", "not-yet-valid"] }, "not-yet-valid"],
    [{ proof: ["not-checked", "remote-disabled"] }, "unverified"],
    [{ status: ["not-checked", "unreachable"] }, "unverified"],
  ] as const)("%j → %s", (overrides, verdict) => {
    expect(decideVerdict(checks(overrides as never))).toBe(verdict);
  });
});
