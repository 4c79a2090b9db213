import { describe, expect, it } from "vitest";
import { didWebDocumentUrl } from "../../src/verify/did-web.js";

describe("did:web URLs", () => {
  it.each([
    ["did:web:example.com", "https://example.com/.well-known/did.json"],
    ["did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"],
    [
      "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf",
      "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json",
    ],
  ])("%s → %s", (did, url) => {
    expect(didWebDocumentUrl(did)).toBe(url);
  });

  it.each(["did:web:", "did:web:exa mple.com", "did:web:example.com::x", "did:web:example.com:..", "did:web:a@b"])(
    "refuses %s",
    (did) => {
      expect(didWebDocumentUrl(did)).toBeUndefined();
    },
  );
});
