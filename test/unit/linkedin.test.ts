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
