import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkRecipient, ob3EmailIdentities } from "../../src/verify/recipient.js";

describe("recipient", () => {
  const hashed = (email: string, salt: string) =>
    `sha256$${createHash("sha256")
      .update(email + salt)
      .digest("hex")}`;
  const credential = (identifier: unknown[]) => ({ credentialSubject: { identifier } });

  it("matches the OB 3.0 spec vector and plain identities, and says when nothing can be compared", () => {
    const spec = credential([
      {
        type: "IdentityObject",
        identityType: "emailAddress",
        hashed: true,
        salt: "Kosher",
        identityHash: "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
      },
    ]);
    expect(checkRecipient(ob3EmailIdentities(spec), "a@example.com").outcome).toBe("passed");
    expect(checkRecipient(ob3EmailIdentities(spec), "b@example.com").outcome).toBe("failed");
    const plain = credential([{ identityType: "emailAddress", hashed: false, identityHash: "Ada@Example.org" }]);
    expect(checkRecipient(ob3EmailIdentities(plain), "ada@example.org").outcome).toBe("passed");
    expect(checkRecipient(ob3EmailIdentities(credential([])), "ada@example.org").code).toBe("no-email-identifier");
    expect(checkRecipient(ob3EmailIdentities(spec), undefined).code).toBe("no-email-given");
  });

  it("compares an address hashed as typed by another issuer too", () => {
    const mixedCase = credential([
      { identityType: "emailAddress", hashed: true, salt: "s", identityHash: hashed("Ada@Example.org", "s") },
    ]);
    expect(checkRecipient(ob3EmailIdentities(mixedCase), "Ada@Example.org").outcome).toBe("passed");
  });
});
