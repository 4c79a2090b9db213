import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StatusListCheck, VerifyEnv } from "../../src/verify/environment.js";
import { checkStatus } from "../../src/verify/status.js";
import { checkValidity } from "../../src/verify/validity.js";

const PUBLIC_URL = "https://badges.test";
const LIST_URL = `${PUBLIC_URL}/status-lists/1`;
const SKEW_MS = 300_000;

/** Our own list, as the service hands it out (one frozen object per signed version), its check already made. */
function envFor(list: Record<string, unknown>, now: Date): VerifyEnv {
  const checks = new WeakMap<object, StatusListCheck>();
  checks.set(list, { ok: true, bits: new Uint8Array(16_384), short: false });
  return {
    now,
    local: {
      did: "did:web:badges.test",
      publicUrl: PUBLIC_URL,
      didDocument: {} as never,
      jwks: [],
      statusListChecks: checks,
      statusList: async (url) => (url === LIST_URL ? list : undefined),
    },
    ob3Schema: {} as never,
  };
}

const credential = {
  credentialStatus: {
    type: "BitstringStatusListEntry",
    statusPurpose: "revocation",
    statusListIndex: "7",
    statusListCredential: LIST_URL,
  },
};

/** What the list's dates said before they were read once per list: checkValidity at now plus the skew, then now. */
function expected(list: Record<string, unknown>, now: Date): "unusable" | "expired" | "active" {
  const ahead = checkValidity(list, new Date(now.getTime() + SKEW_MS));
  if (ahead.outcome === "failed" && ahead.code !== "expired") {
    return "unusable";
  }
  return checkValidity(list, now).code === "expired" ? "expired" : "active";
}

describe("our status list's validity period", () => {
  it("is read as checkValidity reads it, against now and with the clock skew, for any dates", async () => {
    const base = Date.UTC(2026, 2, 2, 9, 30);
    // around the boundaries too: equal instants, one millisecond apart, the skew exactly
    const offset = fc.oneof(
      fc.integer({ min: -2 * SKEW_MS, max: 2 * SKEW_MS }),
      fc.constantFrom(0, 1, -1, SKEW_MS, SKEW_MS + 1, SKEW_MS - 1, -SKEW_MS),
    );
    const date = fc.oneof(
      fc.constant(undefined),
      offset.map((ms) => new Date(base + ms).toISOString()),
      offset.map((ms) => `${new Date(base + ms).toISOString().slice(0, 19)}+01:00`),
      fc.constantFrom("2026-13-45T99:99:99Z", "2 March 2026", "", 1772443800),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ validFrom: date, validUntil: date, issuanceDate: date, expirationDate: date }),
        offset,
        async (dates, at) => {
          const list = Object.freeze({
            type: ["VerifiableCredential", "BitstringStatusListCredential"],
            credentialSubject: { type: "BitstringStatusList", statusPurpose: "revocation" },
            ...Object.fromEntries(Object.entries(dates).filter(([, v]) => v !== undefined)),
          });
          const now = new Date(base + at);
          const env = envFor(list, now);
          // twice: the second time from what the first kept of this list object
          for (let i = 0; i < 2; i++) {
            const check = await checkStatus(credential, env);
            const want = expected(list, now);
            if (want === "active") {
              expect(check.code).toBe("active");
            } else {
              expect(check.code).toBe("list-invalid");
              expect(check.message).toContain(want === "expired" ? "has expired" : "not valid yet");
            }
          }
        },
      ),
      { numRuns: 400, seed: 23 },
    );
  });
});
