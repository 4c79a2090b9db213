import { describe, expect, it } from "vitest";
import { decodeJws } from "../../src/verify/vc-jwt-proof.js";

describe("reading a VC-JWT", () => {
  it("decodes a VC 1.1 style JWT's vc claim into a credential", () => {
    const token = [
      { alg: "RS256" },
      { iss: "did:example:1", jti: "urn:x", nbf: 1_700_000_000, vc: { type: ["VerifiableCredential"] } },
    ]
      .map((p) => Buffer.from(JSON.stringify(p)).toString("base64url"))
      .join(".");
    expect(decodeJws(`${token}.sig`)?.credential).toEqual({
      type: ["VerifiableCredential"],
      issuer: "did:example:1",
      id: "urn:x",
      issuanceDate: new Date(1_700_000_000_000).toISOString(),
    });
  });
});
