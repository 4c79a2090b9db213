import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { credentialIdOf } from "../../src/http/routes/public/credentials.js";
import { CredentialIdSchema } from "../../src/schemas/credential-id.js";

/** What the route's schema answers for a path's id: the id it gives, or undefined when it refuses it. */
function bySchema(value: string | undefined): string | undefined {
  const parsed = CredentialIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const HEX_AND_DASH = [..."0123456789abcdefABCDEFgG-"];

describe("credentialIdOf: a path's credential id, as the route's schema gives it", () => {
  it.each([
    ["a version 4 UUID", randomUUID()],
    ["a version 7 UUID", "019aebc1-8f3a-7c2e-9d4b-0a1b2c3d4e5f"],
    ["an upper-case UUID", randomUUID().toUpperCase()],
    ["a mixed-case UUID", "0B4f8a9e-5c1d-4f3e-9A7b-2c6d8e1f0a3b"],
    ["the nil UUID", "00000000-0000-0000-0000-000000000000"],
    ["the max UUID", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    ["version 0", "0b4f8a9e-5c1d-0f3e-9a7b-2c6d8e1f0a3b"],
    ["version 9", "0b4f8a9e-5c1d-9f3e-9a7b-2c6d8e1f0a3b"],
    ["variant c", "0b4f8a9e-5c1d-4f3e-ca7b-2c6d8e1f0a3b"],
    ["a truncated UUID", "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3"],
    ["a UUID and more", "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3bb"],
    ["a UUID and a line feed", "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b\n"],
    ["no dashes", "0b4f8a9e5c1d4f3e9a7b2c6d8e1f0a3b"],
    ["empty", ""],
    ["no id at all", undefined],
    ["a non-hex letter", "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3g"],
    ["a dotless i that upper-cases to I", "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3\u0131"],
    ["a Kelvin sign that lower-cases to k", "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3\u212a"],
  ])("answers %s as the schema does", (_name, value) => {
    expect(credentialIdOf(value)).toBe(bySchema(value));
  });

  it("answers every UUID of every version, in either case, as the schema does: the UUID in lower case", () => {
    fc.assert(
      fc.property(fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }), fc.boolean(), (uuid, upper) => {
        const value = upper ? uuid.toUpperCase() : uuid;
        expect(credentialIdOf(value)).toBe(bySchema(value));
        expect(credentialIdOf(value)).toBe(uuid.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });

  it("answers near-UUID strings and any string as the schema does", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HEX_AND_DASH), { minLength: 34, maxLength: 38 }), (chars) => {
        const value = chars.join("");
        expect(credentialIdOf(value)).toBe(bySchema(value));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (value) => {
        expect(credentialIdOf(value)).toBe(bySchema(value));
      }),
      { numRuns: 2000 },
    );
  });
});
