import { describe, expect, it } from "vitest";
import { toOb3Achievement, validUntilFor } from "../../src/domain/achievement.js";
import { parseCatalog } from "../../src/domain/catalog/parse-catalog.js";
import { buildOpenBadgeCredential, toWholeSecondIso } from "../../src/domain/credential/build.js";
import { identityHash, normaliseEmail, recipientIdentifiers } from "../../src/domain/credential/identity.js";
import { buildIssuerProfile, didWebFor } from "../../src/domain/issuer.js";

const [entry] = parseCatalog([
  {
    name: "demo.yaml",
    text: `id: demo
name: Demo
description: A demo.
program: Demo
level: field-product
criteria: { narrative: Do it. }
validity: { months: 6 }
tags: [a]
`,
  },
]).entries;

describe("identity hashing (OB 3.0 IdentityHash)", () => {
  it("matches the spec's test vectors", () => {
    expect(identityHash("a@example.com", "Kosher")).toBe(
      "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
    );
    expect(identityHash("jjefferson18@example.com", "FleurDeSel")).toBe(
      "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc",
    );
  });

  it("normalises the email before hashing", () => {
    expect(normaliseEmail("  A@Example.COM ")).toBe("a@example.com");
    const [email] = recipientIdentifiers({ email: "A@example.com", name: "A" }, "Kosher");
    expect(email?.identityHash).toBe(identityHash("a@example.com", "Kosher"));
  });
});

describe("did:web and dates", () => {
  it("encodes the port as %3A", () => {
    expect(didWebFor("http://localhost:3000")).toBe("did:web:localhost%3A3000");
    expect(didWebFor("https://badges.example.org")).toBe("did:web:badges.example.org");
  });

  it("truncates to whole seconds in UTC", () => {
    expect(toWholeSecondIso(new Date("2026-01-02T03:04:05.987Z"))).toBe("2026-01-02T03:04:05Z");
  });

  it("adds the validity period, clamping month ends", () => {
    if (!entry) {
      throw new Error("no entry");
    }
    expect(validUntilFor(entry, new Date("2026-03-02T09:00:00Z"))?.toISOString()).toBe("2026-09-02T09:00:00.000Z");
    expect(validUntilFor(entry, new Date("2026-08-31T09:00:00Z"))?.toISOString()).toBe("2027-02-28T09:00:00.000Z");
    expect(validUntilFor({ ...entry, validity: undefined }, new Date())).toBeUndefined();
  });
});

describe("buildOpenBadgeCredential", () => {
  it("builds the exact OB 3.0 shape, deterministic for fixed inputs", () => {
    if (!entry) {
      throw new Error("no entry");
    }
    const issuer = buildIssuerProfile("did:web:x.test", {
      name: "X",
      url: "https://x.test",
      image: "https://x.test/l.svg",
    });
    const input = {
      id: "https://x.test/credentials/1",
      issuer,
      achievement: toOb3Achievement(entry, "https://x.test"),
      identifiers: recipientIdentifiers({ email: "a@example.com", name: "Ann" }, "salt"),
      validFrom: new Date("2026-03-02T09:00:00.500Z"),
      validUntil: new Date("2026-09-02T09:00:00Z"),
    };
    const credential = buildOpenBadgeCredential(input);
    expect(buildOpenBadgeCredential(input)).toEqual(credential);
    expect(credential).toMatchObject({
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      validFrom: "2026-03-02T09:00:00Z",
      validUntil: "2026-09-02T09:00:00Z",
      awardedDate: "2026-03-02T09:00:00Z",
      name: "Demo",
    });
    expect(credential.credentialSubject.achievement).toEqual({
      id: "https://x.test/achievements/demo",
      type: ["Achievement"],
      achievementType: "Certification",
      name: "Demo",
      description: "A demo.",
      criteria: { id: "https://x.test/achievements/demo#criteria", narrative: "Do it." },
      image: { id: "https://x.test/achievements/demo/image", type: "Image", caption: "Badge: Demo" },
      tag: ["a"],
    });
    expect("alignment" in credential.credentialSubject.achievement).toBe(false);
  });
});
