import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bakePng, extractFromPng } from "../../src/baking/png.js";
import { bakeSvg, extractFromSvg, OB3_SVG_NAMESPACE } from "../../src/baking/svg.js";
import { listChunks, tinyPng } from "../helpers/png.js";

const fixture = (name: string) => readFileSync(`../shared/fixtures/interop/${name}`);

const credentialChunk = (png: Buffer) =>
  listChunks(png).find((c) => c.data.toString("latin1").startsWith("openbadgecredential\0"));

describe("1EdTech validator fixtures (digital-credentials-public-validator)", () => {
  it.each(["png", "svg"] as const)("reads the OB 3.0 JSON credential baked in simple-json.%s", (format) => {
    const file = fixture(`1edtech-ob30-simple-json.${format}`);
    const extracted = format === "png" ? extractFromPng(file) : extractFromSvg(file.toString("utf8"));
    expect(extracted).toMatchObject({ standard: "ob3", kind: "json", container: format });
    const credential = JSON.parse(extracted.text);
    expect(credential.id).toBe("http://example.com/credentials/3527");
    expect(credential.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(credential.proof).toBeDefined();
  });

  it.each(["png", "svg"] as const)("reads the OB 3.0 VC-JWT baked in simple-jwt.%s", (format) => {
    const file = fixture(`1edtech-ob30-simple-jwt.${format}`);
    const extracted = format === "png" ? extractFromPng(file) : extractFromSvg(file.toString("utf8"));
    expect(extracted).toMatchObject({ standard: "ob3", kind: "jws", container: format });
    const parts = extracted.text.split(".");
    expect(parts).toHaveLength(3);
    expect(JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")).alg).toBe("RS256");
  });

  it("reads a JWT for the same credential from the PNG and the SVG", () => {
    const claims = (jws: string) => JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8"));
    const png = claims(extractFromPng(fixture("1edtech-ob30-simple-jwt.png")).text);
    const svg = claims(extractFromSvg(fixture("1edtech-ob30-simple-jwt.svg").toString("utf8")).text);
    expect(png.jti).toBe("http://example.com/credentials/3527");
    expect(svg.jti).toBe(png.jti);
  });

  it("reads the OB 2.0 assertion baked in simple-badge.png", () => {
    const extracted = extractFromPng(fixture("1edtech-ob20-simple-badge-baked.png"));
    expect(extracted).toMatchObject({ standard: "ob2", kind: "json", container: "png" });
    expect(JSON.parse(extracted.text)).toMatchObject({
      "@context": "https://w3id.org/openbadges/v2",
      type: "Assertion",
    });
  });
});

describe("our baked output matches the 1EdTech layout", () => {
  const theirs = fixture("1edtech-ob30-simple-json.png");
  const payload = extractFromPng(theirs).text;

  it("writes the same iTXt chunk for the same credential", () => {
    const ours = credentialChunk(bakePng(tinyPng(), payload));
    const reference = credentialChunk(theirs);
    const header = "openbadgecredential".length + 5;
    expect(ours?.data.subarray(0, header)).toEqual(reference?.data.subarray(0, header));
    expect(ours?.data.subarray(header).toString("utf8")).toBe(reference?.data.subarray(header).toString("utf8").trim());
    expect(listChunks(theirs).at(-2)).toEqual(reference); // they, too, put it right before IEND
  });

  it("re-bakes their PNG, keeping every other chunk byte for byte", () => {
    const jwt = extractFromPng(fixture("1edtech-ob30-simple-jwt.png")).text;
    const rebaked = bakePng(theirs, jwt);
    const others = (png: Buffer) => listChunks(png).filter((c) => c.type !== "iTXt");
    const bytes = (png: Buffer) => Buffer.concat(others(png).map((c) => c.raw));
    expect(bytes(rebaked).equals(bytes(theirs))).toBe(true); // (toEqual on 80 kB buffers is slow)
    expect(listChunks(rebaked).map((c) => c.type)).toEqual(listChunks(theirs).map((c) => c.type));
    expect(extractFromPng(rebaked)).toMatchObject({ kind: "jws", text: jwt });
  });

  it("re-bakes their SVG with one credential element in the same namespace", () => {
    const svg = fixture("1edtech-ob30-simple-json.svg").toString("utf8");
    const jwt = extractFromSvg(fixture("1edtech-ob30-simple-jwt.svg").toString("utf8")).text;
    const rebaked = bakeSvg(svg, jwt);
    expect(rebaked.split("<openbadges:credential").length).toBe(2);
    expect(rebaked.split(`xmlns:openbadges="${OB3_SVG_NAMESPACE}"`).length).toBe(2); // already declared: reused
    expect(rebaked).not.toContain("CDATA");
    expect(extractFromSvg(rebaked)).toMatchObject({ standard: "ob3", kind: "jws", text: jwt });
    expect(extractFromSvg(bakeSvg(rebaked, extractFromSvg(svg).text)).text).toBe(extractFromSvg(svg).text);
  });
});
