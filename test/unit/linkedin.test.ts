import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linkedInAddToProfileUrl, linkedInShareUrl } from "../../src/domain/linkedin.js";

const base = {
  name: "GitLab Certified CI/CD Specialist",
  organizationName: "GitLab Education Services & Co",
  issuedAt: new Date("2026-01-31T23:30:00Z"),
  certUrl: "https://badges.example.org/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
  certId: "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
};

function params(url: string) {
  const parsed = new URL(url);
  expect(`${parsed.origin}${parsed.pathname}`).toBe("https://www.linkedin.com/profile/add");
  return Object.fromEntries(parsed.searchParams);
}

describe("LinkedIn add-to-profile link", () => {
  it("carries every field, months 1-based in UTC, the organisation by name when no id is set", () => {
    const url = linkedInAddToProfileUrl({ ...base, expiresAt: new Date("2028-12-01T00:00:00Z") });
    expect(params(url)).toEqual({
      startTask: "CERTIFICATION_NAME",
      name: "GitLab Certified CI/CD Specialist",
      organizationName: "GitLab Education Services & Co",
      issueYear: "2026",
      issueMonth: "1",
      expirationYear: "2028",
      expirationMonth: "12",
      certUrl: base.certUrl,
      certId: base.certId,
    });
    expect(url).not.toContain("+");
    expect(url).toContain("name=GitLab%20Certified%20CI%2FCD%20Specialist");
    expect(url).toContain("%26%20Co");
  });

  it("prefers the organisation id and omits the expiry of a credential that does not expire", () => {
    const p = params(linkedInAddToProfileUrl({ ...base, organizationId: "1234567" }));
    expect(p.organizationId).toBe("1234567");
    expect(p).not.toHaveProperty("organizationName");
    expect(p).not.toHaveProperty("expirationYear");
    expect(p).not.toHaveProperty("expirationMonth");
  });

  it("keeps a literal plus sign in a name", () => {
    expect(params(linkedInAddToProfileUrl({ ...base, name: "C++ Expert" })).name).toBe("C++ Expert");
  });
});

describe("LinkedIn share link", () => {
  it("encodes the page URL as the url parameter", () => {
    const url = linkedInShareUrl("https://badges.example.org/credentials/x?a=1&b=2");
    expect(url).toBe(
      "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fbadges.example.org%2Fcredentials%2Fx%3Fa%3D1%26b%3D2",
    );
  });
});

/** The link as it was built with URLSearchParams (spaces as %20): the hand-built one must give these very bytes. */
function withUrlSearchParams(input: Parameters<typeof linkedInAddToProfileUrl>[0]): string {
  const params = new URLSearchParams({ startTask: "CERTIFICATION_NAME", name: input.name });
  if (input.organizationId) {
    params.set("organizationId", input.organizationId);
  } else {
    params.set("organizationName", input.organizationName);
  }
  params.set("issueYear", String(input.issuedAt.getUTCFullYear()));
  params.set("issueMonth", String(input.issuedAt.getUTCMonth() + 1));
  if (input.expiresAt) {
    params.set("expirationYear", String(input.expiresAt.getUTCFullYear()));
    params.set("expirationMonth", String(input.expiresAt.getUTCMonth() + 1));
  }
  params.set("certUrl", input.certUrl);
  params.set("certId", input.certId);
  return `https://www.linkedin.com/profile/add?${params.toString().replaceAll("+", "%20")}`;
}

describe("LinkedIn add-to-profile link, built by hand", () => {
  it("is byte for byte the link URLSearchParams writes, for any text (property)", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(..." +!'()~*-._%&=?#/\\\"<>Üé李𝒜\uD800\uDFFF"), maxLength: 20 }),
    );
    const date = fc.date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("9999-12-31T23:59:59Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        text,
        fc.option(text, { nil: undefined }),
        text,
        date,
        fc.option(date, { nil: undefined }),
        text,
        text,
        (name, organizationId, organizationName, issuedAt, expiresAt, certUrl, certId) => {
          const input = { name, organizationId, organizationName, issuedAt, expiresAt, certUrl, certId };
          expect(linkedInAddToProfileUrl(input)).toBe(withUrlSearchParams(input));
        },
      ),
      { numRuns: 1000 },
    );
    const fixed = { ...base, name: "C++ (Expert)! it's ~ *ok* 李 \uD800", expiresAt: new Date("2028-12-01T00:00:00Z") };
    expect(linkedInAddToProfileUrl(fixed)).toBe(withUrlSearchParams(fixed));
  });
});
