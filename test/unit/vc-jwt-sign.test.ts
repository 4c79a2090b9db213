import { generateKeyPairSync } from "node:crypto";
import { CompactSign, compactVerify, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { compactEs256, signVcJwt, vcJwtPayload } from "../../src/crypto/vc-jwt.js";

const credential = {
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  id: "https://badges.test/credentials/1",
  issuer: { id: "did:web:badges.test", name: "Zoë's Academy ☃" },
  validFrom: "2026-01-02T03:04:05Z",
  validUntil: "2027-01-02T03:04:05Z",
  credentialSubject: { type: ["AchievementSubject"], name: "Ünïcode \u2028 line" },
};

describe("VC-JWT signing with a node KeyObject (the signing paths')", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });

  it("makes the header and payload bytes jose makes with the same key, and jose verifies it", async () => {
    const jwk = privateKey.export({ format: "jwk" }) as JWK;
    const jwt = await signVcJwt({ credential, kid: "https://badges.test/keys/key-1", privateKey });
    const reference = await new CompactSign(new TextEncoder().encode(vcJwtPayload(credential)))
      .setProtectedHeader({ alg: "ES256", kid: "https://badges.test/keys/key-1", typ: "JWT" })
      .sign(await importJWK(jwk, "ES256"));
    const [header, payload, signature] = jwt.split(".");
    const [refHeader, refPayload] = reference.split(".");
    expect(header).toBe(refHeader);
    expect(payload).toBe(refPayload);
    expect(Buffer.from(signature as string, "base64url")).toHaveLength(64); // R‖S, not DER
    const verified = await compactVerify(jwt, await importJWK(publicKey.export({ format: "jwk" }) as JWK, "ES256"));
    expect(new TextDecoder().decode(verified.payload)).toBe(vcJwtPayload(credential));
  });

  it("refuses any key but a private P-256 one", () => {
    const ed = generateKeyPairSync("ed25519").privateKey;
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
    for (const key of [ed, p384, publicKey]) {
      expect(() => compactEs256({ alg: "ES256" }, "{}", key)).toThrow(/P-256/);
    }
  });
});

describe("the VC-JWT payload written from the credential's JSON text", () => {
  /** The payload as OB 3.0 §8.2.4 defines it, serialised from the object (what vcJwtPayload always gave). */
  const reference = (c: Record<string, any>) =>
    JSON.stringify({
      ...c,
      iss: typeof c.issuer === "string" ? c.issuer : c.issuer?.id,
      jti: c.id,
      nbf: typeof c.validFrom === "string" ? Math.floor(Date.parse(c.validFrom) / 1000) : undefined,
      exp: typeof c.validUntil === "string" ? Math.floor(Date.parse(c.validUntil) / 1000) : undefined,
      sub: c.credentialSubject?.id,
    });

  it("is byte for byte the serialised payload, whatever claims are set, and when the credential holds one", () => {
    const { validUntil: _, ...noExpiry } = credential;
    const cases: Record<string, any>[] = [
      credential,
      noExpiry,
      { ...credential, issuer: "did:web:badges.test", credentialSubject: { id: "did:example:subject" } },
      { ...credential, validFrom: "not a date" },
      { ...credential, iss: "already there", sub: "and this" },
      { ...credential, nested: { toJSON: undefined, deep: [1, "two", null] }, "0": "numeric key" },
      { id: "https://badges.test/credentials/2", issuer: "did:web:x" },
    ];
    for (const c of cases) {
      expect(vcJwtPayload(c, JSON.stringify(c))).toBe(reference(c));
      expect(vcJwtPayload(c)).toBe(reference(c));
    }
  });

  it("is made from the object again when the credential has a toJSON of its own", () => {
    const c = { ...credential, toJSON: () => ({ replaced: true }) };
    expect(vcJwtPayload(c, JSON.stringify(c))).toBe(reference(c));
  });
});
