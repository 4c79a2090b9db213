import { afterEach, describe, expect, it } from "vitest";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { checkOf, documentsFetch, interopFixture, outcomes, verifyJson, verifyUpload } from "../helpers/verify.js";

/**
 * Every file in shared/fixtures/interop reaches the verdict its README lists, through POST /api/verify. Documents that
 * live on other sites (a did:web DID document, a status list, an OB 2.0 key) are answered by the injected fetch; with
 * remote resolution off, the same checks are "not checked" and the verdict is never "valid".
 */

const RAW_STATUS_LIST =
  "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/e5WK8CbZ1GjycuPombrj";
const OIDF_DID_URL = "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json";
const ONE_EDTECH_REVOCATIONS = "https://1edtech.edu/credentials/3732/revocations";

// The OB 2.0 fixture's BadgeClass and Issuer are not among the fixtures: these stand in for them, the Issuer listing
// key1 (whose owner is this issuer) as the 1EdTech validator's own test assets do.
const OB2_DOCUMENTS = {
  "http://example.org/key1.json": interopFixture("1edtech-ob20-key1.json").toString("utf8"),
  "https://example.org/robotics-badge.json": {
    "@context": "https://w3id.org/openbadges/v2",
    type: "BadgeClass",
    id: "https://example.org/robotics-badge.json",
    name: "Awesome Robotics Badge",
    description: "For doing awesome things with robots.",
    image: "https://example.org/robotics-badge.png",
    criteria: { narrative: "Build a robot." },
    issuer: "https://example.org/organization.json",
  },
  "https://example.org/organization.json": {
    "@context": "https://w3id.org/openbadges/v2",
    type: "Issuer",
    id: "https://example.org/organization.json",
    name: "An Example Badge Issuer",
    url: "https://example.org",
    email: "steved@example.org",
    publicKey: "http://example.org/key1.json",
  },
};

// The 1EdTech fixtures sign with a key written into the verification method (`<issuer>#<multibase>`); such a key counts
// as the issuer's only when the issuer's own document lists it. These Profiles stand in for the issuers' documents.
const issuerListing = (issuer: string, ...multibases: string[]) => ({
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  id: issuer,
  type: ["Profile"],
  verificationMethod: multibases.map((multibase) => ({
    id: `${issuer}#${multibase}`,
    type: "Multikey",
    controller: issuer,
    publicKeyMultibase: multibase,
  })),
});
const ONE_EDTECH_ISSUERS = {
  "https://example.com/issuers/876543": issuerListing(
    "https://example.com/issuers/876543",
    "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
    "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", // the baked images' key
  ),
  "https://1edtech.edu/issuers/565049": issuerListing(
    "https://1edtech.edu/issuers/565049",
    "z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs",
  ),
};

const REMOTE_DOCUMENTS: Record<string, unknown> = {
  ...ONE_EDTECH_ISSUERS,
  [RAW_STATUS_LIST]: interopFixture("dcc-statuslist-e5WK8CbZ1GjycuPombrj.json").toString("utf8"),
  [OIDF_DID_URL]: interopFixture("dcc-did-web-oidf-did.json").toString("utf8"),
  [ONE_EDTECH_REVOCATIONS]: {
    id: ONE_EDTECH_REVOCATIONS,
    revokedCredential: [{ id: "http://1edtech.edu/credentials/9999" }],
  },
  ...OB2_DOCUMENTS,
  "https://example.org/beths-robotics-badge.json": JSON.parse(
    '{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://example.org/beths-robotics-badge.json","recipient":{"type":"email","hashed":true,"salt":"deadsea","identity":"sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"},"image":"https://example.org/beths-robot-badge.png","issuedOn":"2016-12-31T23:59:59Z","badge":"https://example.org/robotics-badge.json","verification":{"type":"hosted"}}',
  ),
};

let t: TestApp;
afterEach(() => t.close());

const remoteOn = async () => {
  const network = documentsFetch(REMOTE_DOCUMENTS);
  t = await makeTestApp({ env: { LAUREL_VERIFY_REMOTE: "true" }, fetchRemote: network.fetchRemote });
  return network;
};
const remoteOff = async () => {
  const network = documentsFetch(REMOTE_DOCUMENTS);
  // even with a fetch wired in, nothing is fetched while LAUREL_VERIFY_REMOTE is off
  t = await makeTestApp({ fetchRemote: network.fetchRemote });
  return network;
};

async function verifyFixture(name: string) {
  const bytes = interopFixture(name);
  if (name.endsWith(".png") || name.endsWith(".svg")) {
    return verifyUpload(t, bytes, name, name.endsWith(".png") ? "image/png" : "image/svg+xml");
  }
  return verifyJson(t, { credential: bytes.toString("utf8").trim() });
}

describe("interop fixtures: the verdicts of the README, with their documents served", () => {
  it.each([
    ["1edtech-ob30-simple.json", "valid"],
    ["1edtech-ob30-complete.json", "valid"],
    ["1edtech-ob30-simple-err-proof-value.json", "not-genuine"],
    ["1edtech-ob30-simple-err-expired.json", "expired"],
    ["1edtech-ob30-simple-multiple-proofs.json", "valid"],
    ["1edtech-ob30-simple-json.png", "valid"],
    ["1edtech-ob30-simple-json.svg", "valid"],
    ["1edtech-ob20-simple-signed.jwt", "valid"],
    ["1edtech-ob20-simple-badge-baked.png", "valid"],
    ["dcc-v2-didkey-eddsa-basicOBv3.json", "valid"],
    ["dcc-v2-didkey-eddsa-revoked.json", "revoked"],
    ["dcc-v2-didkey-two-proofs.json", "valid"],
    ["dcc-v2-didweb-eddsa.json", "valid"],
  ])("%s → %s", async (name, verdict) => {
    await remoteOn();
    const report = await verifyFixture(name);
    expect(report.verdict, JSON.stringify(report.checks, null, 1)).toBe(verdict);
  });

  it("an invalid signature fails the proof check, and only that", async () => {
    await remoteOn();
    const report = await verifyFixture("1edtech-ob30-simple-err-proof-value.json");
    expect(outcomes(report)).toMatchObject({ format: "passed", schema: "passed", proof: "failed", validity: "passed" });
    expect(checkOf(report, "proof")?.code).toBe("tampered");
  });

  it("the expired credential's signature still verifies; its validity check says when it expired", async () => {
    await remoteOn();
    const report = await verifyFixture("1edtech-ob30-simple-err-expired.json");
    expect(outcomes(report)).toMatchObject({ proof: "passed", issuer: "passed", validity: "failed" });
    expect(checkOf(report, "validity")?.message).toContain("1 January 2010 at 00:00 UTC");
  });

  it("the multiple-proofs credential verifies by its eddsa-rdfc-2022 proof and names the proof it skipped", async () => {
    await remoteOn();
    const report = await verifyFixture("1edtech-ob30-simple-multiple-proofs.json");
    expect(checkOf(report, "proof")?.message).toContain("SomeProofType");
  });

  it("the DCC revoked credential: signature valid, bit 8 of its Ed25519Signature2020-signed list set", async () => {
    const network = await remoteOn();
    const report = await verifyFixture("dcc-v2-didkey-eddsa-revoked.json");
    expect(outcomes(report)).toMatchObject({ proof: "passed", issuer: "passed", status: "failed" });
    expect(checkOf(report, "status")?.code).toBe("revoked");
    expect(network.requested).toEqual([RAW_STATUS_LIST]);
  });

  it("the legacy Ed25519Signature2020 proof of the two-proof credential verifies on its own, and fails when tampered", async () => {
    await remoteOff();
    const credential = JSON.parse(interopFixture("dcc-v2-didkey-two-proofs.json").toString("utf8"));
    credential.proof = credential.proof.filter((p: { type: string }) => p.type === "Ed25519Signature2020");
    const report = await verifyJson(t, { credential });
    expect(report.verdict).toBe("valid");
    expect(checkOf(report, "proof")?.message).toContain("Ed25519Signature2020");
    credential.name = "Forged";
    const tampered = await verifyJson(t, { credential });
    expect(checkOf(tampered, "proof")).toMatchObject({ outcome: "failed", code: "tampered" });
  });

  it("the did:web credential resolves its key from the served DID document", async () => {
    const network = await remoteOn();
    const report = await verifyFixture("dcc-v2-didweb-eddsa.json");
    expect(checkOf(report, "proof")?.message).toContain("did:web:digitalcredentials.github.io");
    expect(network.requested).toEqual([OIDF_DID_URL]);
  });

  it("the OB 2.0 signed assertion verifies with key1, owned by the badge's issuer, and is shown for display", async () => {
    await remoteOn();
    const report = await verifyFixture("1edtech-ob20-simple-signed.jwt");
    expect(outcomes(report)).toMatchObject({
      format: "passed",
      schema: "not-checked",
      proof: "passed",
      issuer: "passed",
    });
    expect(report.display).toMatchObject({ openBadgesVersion: "2.0", name: "Awesome Robotics Badge" });
    expect(report.display?.issuer).toMatchObject({ name: "An Example Badge Issuer" });
  });

  it("the 1EdTech VC-JWT images: signature valid, but a key in the token cannot be tied to an unresolvable issuer", async () => {
    await remoteOn();
    for (const name of ["1edtech-ob30-simple-jwt.png", "1edtech-ob30-simple-jwt.svg"]) {
      const report = await verifyFixture(name);
      expect(outcomes(report), name).toMatchObject({
        format: "passed",
        schema: "passed",
        proof: "passed",
        issuer: "not-checked",
      });
      expect(checkOf(report, "proof")?.message).toContain("RS256");
      expect(report.verdict).toBe("unverified");
    }
  });

  it("a bare did:key verification method verifies, but its key is not the urn:uuid issuer's: unverified", async () => {
    await remoteOn();
    const report = await verifyFixture("1edtech-ob30-simple-did-key-method.json");
    expect(outcomes(report)).toMatchObject({ proof: "passed", issuer: "not-checked" });
    expect(checkOf(report, "issuer")?.code).toBe("issuer-unresolvable");
    expect(report.verdict).toBe("unverified");
  });

  it.each([
    ["1edtech-ob20-key1.json", "CryptographicKey"],
    ["dcc-did-web-oidf-did.json", "Profile"],
    ["1edtech-ob_v3p0_achievementcredential_schema.json", "object"],
  ])("%s is not a credential: invalid", async (name, type) => {
    await remoteOn();
    const report = await verifyFixture(name);
    expect(report.verdict).toBe("invalid");
    expect(checkOf(report, "format")).toMatchObject({ outcome: "failed", code: "not-a-credential" });
    expect(checkOf(report, "format")?.message).toContain(type);
  });

  it("the status list itself is a genuine credential but not an Open Badge: invalid", async () => {
    await remoteOn();
    const report = await verifyFixture("dcc-statuslist-e5WK8CbZ1GjycuPombrj.json");
    expect(outcomes(report)).toMatchObject({ proof: "passed", schema: "failed" });
    expect(report.verdict).toBe("invalid");
  });
});

describe("interop fixtures with remote resolution off: what needs the network is not checked, never valid", () => {
  it.each([
    ["dcc-v2-didkey-eddsa-revoked.json", "status", "remote-disabled"],
    ["dcc-v2-didweb-eddsa.json", "proof", "remote-disabled"],
    ["1edtech-ob30-complete.json", "status", "remote-disabled"],
    ["1edtech-ob20-simple-signed.jwt", "proof", "remote-disabled"],
    ["1edtech-ob20-simple-badge-baked.png", "proof", "remote-disabled"],
  ])("%s: its %s check is not checked and the verdict is unverified", async (name, check, code) => {
    const network = await remoteOff();
    const report = await verifyFixture(name);
    expect(checkOf(report, check)).toMatchObject({ outcome: "not-checked", code });
    expect(report.verdict).toBe("unverified");
    expect(network.requested).toEqual([]);
  });

  it("what needs no network verifies offline as before", async () => {
    await remoteOff();
    expect((await verifyFixture("dcc-v2-didkey-two-proofs.json")).verdict).toBe("valid");
    expect((await verifyFixture("1edtech-ob30-simple-err-proof-value.json")).verdict).toBe("not-genuine");
  });

  it("a key written into the verification method (<issuer>#<key>) is not the issuer's until the issuer lists it", async () => {
    await remoteOff();
    for (const name of ["1edtech-ob30-simple.json", "1edtech-ob30-simple-err-expired.json"]) {
      const report = await verifyFixture(name);
      expect(outcomes(report)).toMatchObject({ proof: "passed", issuer: "not-checked" });
      expect(report.verdict).toBe("unverified");
    }
  });

  it("an OB 2.0 PNG holding only its hosted assertion's address is read only with the network", async () => {
    const { pngChunk, tinyPng } = await import("../helpers/png.js");
    const png = tinyPng([pngChunk("tEXt", "openbadges\0https://example.org/beths-robotics-badge.json")]);
    const offline = await remoteOff();
    const report = await verifyUpload(t, png, "hosted.png", "image/png");
    expect(checkOf(report, "proof")).toMatchObject({ outcome: "not-checked", code: "remote-disabled" });
    expect(report.verdict).toBe("unverified");
    expect(offline.requested).toEqual([]);
    await t.close();
    await remoteOn();
    const online = await verifyUpload(t, png, "hosted.png", "image/png");
    expect(online.verdict).toBe("valid");
    expect(online.display).toMatchObject({ openBadgesVersion: "2.0", name: "Awesome Robotics Badge" });
  });

  it("an OB 2.0 hosted assertion whose copy differs from the issuer's in any field is not genuine", async () => {
    const { pngChunk, tinyPng } = await import("../helpers/png.js");
    const hosted = REMOTE_DOCUMENTS["https://example.org/beths-robotics-badge.json"] as Record<string, unknown>;
    await remoteOn();
    for (const [copy, verdict] of [
      [hosted, "valid"],
      [{ ...hosted, expires: "2099-01-01T00:00:00Z" }, "not-genuine"],
      [{ ...hosted, issuedOn: "2015-01-01T00:00:00Z" }, "not-genuine"],
    ] as const) {
      const png = tinyPng([pngChunk("tEXt", `openbadges\0${JSON.stringify(copy)}`)]);
      const report = await verifyUpload(t, png, "copy.png", "image/png");
      expect(report.verdict, JSON.stringify(report.checks)).toBe(verdict);
    }
  });

  it("an unreachable document is not checked either", async () => {
    t = await makeTestApp({ env: { LAUREL_VERIFY_REMOTE: "true" }, fetchRemote: documentsFetch({}).fetchRemote });
    const report = await verifyFixture("dcc-v2-didkey-eddsa-revoked.json");
    expect(checkOf(report, "status")).toMatchObject({ outcome: "not-checked", code: "unreachable" });
    expect(report.verdict).toBe("unverified");
  });
});

describe("OB 2.0 key ownership is the issuer's word, not the key document's", () => {
  it("fails a signed assertion whose key the issuer's own profile does not list", async () => {
    const network = documentsFetch({
      ...REMOTE_DOCUMENTS,
      "https://example.org/organization.json": {
        ...(REMOTE_DOCUMENTS["https://example.org/organization.json"] as object),
        publicKey: "https://example.org/other-key.json",
      },
    });
    t = await makeTestApp({ env: { LAUREL_VERIFY_REMOTE: "true" }, fetchRemote: network.fetchRemote });
    const report = await verifyJson(t, {
      credential: interopFixture("1edtech-ob20-simple-signed.jwt").toString("utf8").trim(),
    });
    expect(checkOf(report, "proof")?.outcome).toBe("passed");
    expect(checkOf(report, "issuer")).toMatchObject({ outcome: "failed", code: "key-not-issuers" });
    expect(report.verdict).toBe("not-genuine");
  });
});
