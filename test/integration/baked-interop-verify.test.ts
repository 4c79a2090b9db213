import { readFileSync } from "node:fs";
import { compactVerify, EmbeddedJWK } from "jose";
import { describe, expect, it } from "vitest";
import { extractFromPng } from "../../src/baking/png.js";
import { extractFromSvg } from "../../src/baking/svg.js";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from "../../src/domain/contexts.js";

const fixture = (name: string) => readFileSync(`../shared/fixtures/interop/${name}`);

/**
 * The 1EdTech fixtures name their key as `<controller>#<publicKeyMultibase>`; the 1EdTech validator
 * accepts that form without fetching anything (STANDARDS.md §2.2, form 1). This loader serves exactly
 * those two documents, built from the verification method id, and nothing else.
 */
function keyInFragmentLoader(verificationMethod: string) {
  const [controller, key] = verificationMethod.split("#") as [string, string];
  return createDocumentLoader(
    new Map<string, unknown>([
      [
        verificationMethod,
        {
          "@context": MULTIKEY_V1_CONTEXT,
          id: verificationMethod,
          type: "Multikey",
          controller,
          publicKeyMultibase: key,
        },
      ],
      [
        controller,
        { "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT], id: controller, assertionMethod: [verificationMethod] },
      ],
    ]),
  );
}

async function verifyExtractedJson(text: string) {
  const credential = JSON.parse(text) as Record<string, any>;
  const loader = keyInFragmentLoader(credential.proof[0].verificationMethod);
  return verifyDataIntegrity({ credential, documentLoader: loader, now: new Date("2026-01-01T00:00:00Z") });
}

describe("credentials baked by others extract and verify", () => {
  it.each([
    ["1edtech-ob30-simple-json.png", "png"],
    ["1edtech-ob30-simple-json.svg", "svg"],
  ] as const)("%s: the extracted JSON credential's eddsa-rdfc-2022 proof verifies", async (name, container) => {
    const file = fixture(name);
    const extracted = container === "png" ? extractFromPng(file) : extractFromSvg(file.toString("utf8"));
    expect(extracted).toMatchObject({ standard: "ob3", kind: "json" });
    expect(await verifyExtractedJson(extracted.text)).toEqual({ verified: true });

    const tampered = JSON.parse(extracted.text);
    tampered.name = "Forged";
    expect((await verifyExtractedJson(JSON.stringify(tampered))).verified).toBe(false);
  });

  it.each([
    ["1edtech-ob30-simple-jwt.png", "png"],
    ["1edtech-ob30-simple-jwt.svg", "svg"],
  ] as const)("%s: the extracted VC-JWT verifies (RS256, key in the jwk header)", async (name, container) => {
    const file = fixture(name);
    const extracted = container === "png" ? extractFromPng(file) : extractFromSvg(file.toString("utf8"));
    expect(extracted).toMatchObject({ standard: "ob3", kind: "jws" });
    const { protectedHeader, payload } = await compactVerify(extracted.text, EmbeddedJWK);
    expect(protectedHeader.alg).toBe("RS256");
    const credential = JSON.parse(new TextDecoder().decode(payload));
    expect(credential.type).toContain("OpenBadgeCredential");

    const [h, p, s] = extracted.text.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...credential, name: "Forged" })).toString("base64url");
    await expect(compactVerify(`${h}.${forgedPayload}.${s}`, EmbeddedJWK)).rejects.toThrow();
    expect(p).toBeTruthy();
  });
});
