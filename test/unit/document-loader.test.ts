import { describe, expect, it } from "vitest";
import { createDocumentLoader, DocumentLoaderRefusal } from "../../src/crypto/document-loader.js";

describe("the JSON-LD document loader", () => {
  const loader = createDocumentLoader(new Map([["did:web:x.test", { id: "did:web:x.test" }]]));

  it.each([
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
  ])("serves the bundled context %s", async (url) => {
    const { document, documentUrl } = await loader(url);
    expect(documentUrl).toBe(url);
    expect(document).toHaveProperty("@context");
  });

  it("serves the local documents it was given", async () => {
    expect((await loader("did:web:x.test")).document).toEqual({ id: "did:web:x.test" });
  });

  it.each(["https://example.com/evil-context.json", "http://169.254.169.254/latest", "did:web:other.test"])(
    "refuses %s without fetching",
    async (url) => {
      await expect(loader(url)).rejects.toBeInstanceOf(DocumentLoaderRefusal);
    },
  );
});

describe("the offline document loader", () => {
  it("also serves the Ed25519Signature2020 suite context, for other issuers' legacy proofs", async () => {
    const loaded = await createDocumentLoader()("https://w3id.org/security/suites/ed25519-2020/v1");
    expect(loaded.document).toHaveProperty("@context");
  });
});
