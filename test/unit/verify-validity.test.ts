import { describe, expect, it } from "vitest";
import { checkValidity } from "../../src/verify/validity.js";

describe("validity window", () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    [{ validFrom: "2025-01-01T00:00:00Z" }, "2026-01-01T00:00:00Z", "passed", "in-period"],
    [{ validFrom: "2027-01-01T00:00:00Z" }, "2026-01-01T00:00:00Z", "failed", "not-yet-valid"],
    [
      { validFrom: "2025-01-01T00:00:00Z", validUntil: "2025-06-01T00:00:00Z" },
      "2026-01-01T00:00:00Z",
      "failed",
      "expired",
    ],
    [
      { issuanceDate: "2025-01-01T00:00:00Z", expirationDate: "2025-06-01T00:00:00+02:00" },
      "2026-01-01T00:00:00Z",
      "failed",
      "expired",
    ],
    [{ validFrom: "2025-01-01" }, "2026-01-01T00:00:00Z", "failed", "bad-date"],
    [{}, "2026-01-01T00:00:00Z", "not-checked", "no-dates"],
  ])("%j at %s → %s", (credential, now, outcome, code) => {
    expect(checkValidity(credential, at(now))).toMatchObject({ outcome, code });
  });

  it("narrows the window with a token's exp", () => {
    const check = checkValidity({ validFrom: "2025-01-01T00:00:00Z" }, at("2026-01-01T00:00:00Z"), {
      exp: Date.parse("2025-12-01T00:00:00Z") / 1000,
    });
    expect(check).toMatchObject({ outcome: "failed", code: "expired" });
  });
});
