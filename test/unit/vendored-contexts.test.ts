import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { VENDORED_CONTEXTS } from "../../src/crypto/vendored-contexts.js";

/** The contexts no npm package ships are vendored files (src/crypto/contexts/README.md): their bytes are pinned. */
const PINNED: Record<string, string> = {
  "credentials-examples-v2.json": "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
  "clr-v2p0-2.0.1.json": "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
  "clr-v2p0.json": "80a2bcb38f78a01161e291406b35989242fd149bc3fe936236b0e715a204ca2d",
};

describe("vendored JSON-LD contexts", () => {
  it.each(VENDORED_CONTEXTS.map((c) => [c.file, c.url] as const))("%s (%s) has its pinned SHA-256", (file) => {
    const bytes = readFileSync(new URL(`../../src/crypto/contexts/${file}`, import.meta.url));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(PINNED[file]);
  });

  it("every vendored file is pinned, and served by the offline loader as parsed from its file", async () => {
    expect(Object.keys(PINNED).sort()).toEqual(VENDORED_CONTEXTS.map((c) => c.file).sort());
    const loader = createDocumentLoader();
    for (const { url, file } of VENDORED_CONTEXTS) {
      const parsed = JSON.parse(readFileSync(new URL(`../../src/crypto/contexts/${file}`, import.meta.url), "utf8"));
      expect((await loader(url)).document).toEqual(parsed);
    }
  });

  it("serves the packaged contexts other issuers use, and still refuses anything else", async () => {
    const loader = createDocumentLoader();
    for (const url of [
      "https://www.w3.org/2018/credentials/v1",
      "https://www.w3.org/2018/credentials/examples/v1",
      "https://www.w3.org/ns/odrl.jsonld",
      "https://w3id.org/security/data-integrity/v1",
      "https://w3id.org/security/data-integrity/v2",
      "https://w3id.org/security/suites/ed25519-2020/v1",
      "https://w3id.org/security/multikey/v1",
      "https://www.w3.org/ns/credentials/status/v1",
      "https://w3id.org/vc/status-list/2021/v1",
      "https://w3id.org/vc-revocation-list-2020/v1",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]) {
      expect((await loader(url)).documentUrl).toBe(url);
    }
    await expect(loader("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.9.json")).rejects.toThrow(/refused/);
  });
});
