import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import {
  addProof,
  credentialV1,
  credentialV2,
  DI_V2,
  type DidKey,
  ED25519_2020,
  ed25519DidKey,
  p256DidKey,
  type Suite,
  sign,
  tamper,
  VC2,
} from "../helpers/vc-signing.js";

/**
 * POST /credentials/verify for any credential (issue 18 point 2): VC Data Model 1.1 and 2.0, the four proof suites,
 * proof sets and chains, did:key (Ed25519, P-256) issuers made by each test, options.checks, the VCDM rules for
 * credentials that are not Open Badges.
 */
let t: TestApp;
let ed: DidKey;
let p256: DidKey;
beforeEach(async () => {
  t = await makeTestApp();
  ed = await ed25519DidKey();
  p256 = await p256DidKey();
});
afterEach(() => t.close());

type Result = {
  verified: boolean;
  checks: string[];
  warnings: string[];
  errors: string[];
  verdict: string;
  results: Array<{ id: string; outcome: string; code?: string; message: string; title: string }>;
};

async function verify(verifiableCredential: unknown, options?: unknown): Promise<{ status: number; body: Result }> {
  const res = await t.app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ verifiableCredential, ...(options === undefined ? {} : { options }) }),
  });
  const body = (res.status === 200 ? await res.json() : await readProblem(res)) as unknown as Result;
  return { status: res.status, body };
}

const result = (body: Result, id: string) => body.results.find((r) => r.id === id);

const SUITES: Array<[Suite, () => DidKey, string[]]> = [
  ["eddsa-rdfc-2022", () => ed, []],
  ["eddsa-jcs-2022", () => ed, []],
  ["ecdsa-rdfc-2019", () => p256, []],
  ["Ed25519Signature2020", () => ed, [ED25519_2020]],
];

describe("each proof suite, on a VC Data Model 2.0 credential of a did:key issuer", () => {
  it.each(SUITES)("%s verifies", async (suite, key, contexts) => {
    const unsigned = credentialV2(key().did);
    unsigned["@context"].push(...contexts);
    const { status, body } = await verify(await sign(unsigned, key(), suite));
    expect(status, JSON.stringify(body.results)).toBe(200);
    expect(body).toMatchObject({ verified: true, verdict: "valid", errors: [] });
    expect(body.checks).toEqual(["format", "schema", "proof", "issuer", "validity"]);
    expect(result(body, "proof")?.message).toContain(suite);
    expect(result(body, "schema")).toMatchObject({ title: "VC Data Model", outcome: "passed" });
  });

  it.each(SUITES)("%s with one byte changed fails, the failing proof named", async (suite, key, contexts) => {
    const unsigned = credentialV2(key().did);
    unsigned["@context"].push(...contexts);
    const signed = await sign(unsigned, key(), suite);
    for (const changed of [
      tamper(signed, ["credentialSubject", "alumniOf"]),
      tamper(signed, ["proof", "proofValue"]),
    ]) {
      const { status, body } = await verify(changed);
      expect(status).toBe(400);
      expect(body).toMatchObject({ verified: false, verdict: "not-genuine" });
      expect(result(body, "proof")).toMatchObject({ outcome: "failed" });
      expect(body.errors.join(" ")).toContain(suite);
    }
  });

  it("a P-256 key is not an Ed25519 key: a proof claiming otherwise is not checked", async () => {
    const signed = await sign(credentialV2(p256.did), p256, "ecdsa-rdfc-2019");
    const { body } = await verify({ ...signed, proof: { ...signed.proof, cryptosuite: "eddsa-rdfc-2022" } });
    expect(result(body, "proof")).toMatchObject({ outcome: "not-checked", code: "unsupported-key" });
    expect(body.verified).toBe(false);
  });
});

describe("VC Data Model 1.1 (issuanceDate, expirationDate)", () => {
  it("verifies an Ed25519Signature2020 credential and a Data Integrity one", async () => {
    const legacy = credentialV1(ed.did);
    legacy["@context"].push(ED25519_2020);
    const modern = credentialV1(p256.did);
    modern["@context"].push(DI_V2);
    for (const signed of [
      await sign(legacy, ed, "Ed25519Signature2020"),
      await sign(modern, p256, "ecdsa-rdfc-2019"),
    ]) {
      const { status, body } = await verify(signed);
      expect(status, JSON.stringify(body.results)).toBe(200);
      expect(result(body, "validity")?.message).toContain("1 January 2026");
    }
  });

  it("an expired 1.1 credential is not verified; a changed one is not genuine", async () => {
    const expired = credentialV1(ed.did, { expirationDate: "2026-02-15T00:00:00Z" });
    expired["@context"].push(ED25519_2020);
    const signed = await sign(expired, ed, "Ed25519Signature2020");
    const a = await verify(signed);
    expect(a).toMatchObject({ status: 400, body: { verdict: "expired" } });
    const b = await verify(tamper(signed, ["issuanceDate"]));
    expect(b.body.verdict).toBe("not-genuine");
  });
});

describe("proof sets: every proof must verify", () => {
  async function twoProofs() {
    const first = await addProof(credentialV2(ed.did), ed, "eddsa-rdfc-2022", { id: "urn:uuid:proof-1" });
    return addProof(first, p256, "ecdsa-rdfc-2019", { id: "urn:uuid:proof-2" });
  }

  it("a set of two proofs by two keys verifies, each named", async () => {
    const { status, body } = await verify(await twoProofs());
    expect(status, JSON.stringify(body.results)).toBe(200);
    expect(result(body, "proof")?.message).toMatch(/All 2 proofs verify.*Proof 1 of 2.*Proof 2 of 2/);
    expect(result(body, "issuer")?.outcome).toBe("passed");
  });

  it("the stock library's proof sets verify too (vc.issue on a signed credential appends a proof)", async () => {
    const signed = await sign(await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022"), ed, "eddsa-jcs-2022");
    expect(signed.proof).toHaveLength(2);
    expect((await verify(signed)).status).toBe(200);
  });

  it.each([0, 1])("with one byte of proof %i changed, the set fails naming that proof", async (index) => {
    const changed = tamper(await twoProofs(), ["proof", index, "proofValue"]);
    const { status, body } = await verify(changed);
    expect(status).toBe(400);
    expect(result(body, "proof")?.outcome).toBe("failed");
    expect(body.errors[0]).toContain(`Proof ${index + 1} of 2`);
    expect(body.errors[0]).toContain(`urn:uuid:proof-${index + 1}`);
  });

  it("a set with a proof of a kind this verifier does not check is not verified", async () => {
    const set = await twoProofs();
    set.proof[1] = { ...set.proof[1], type: "SomeProofType" };
    const { status, body } = await verify(set);
    expect(status).toBe(400);
    expect(result(body, "proof")).toMatchObject({ outcome: "not-checked", code: "unsupported-proof" });
    expect(body.warnings.join(" ")).toContain("Proof 2 of 2 (SomeProofType");
  });
});

describe("proof chains: each link verified with the proofs it names (previousProof)", () => {
  async function chain(previousProof: string | string[] = "urn:uuid:link-1") {
    const first = await addProof(credentialV2(ed.did), ed, "eddsa-rdfc-2022", { id: "urn:uuid:link-1" });
    return addProof(first, p256, "ecdsa-rdfc-2019", { id: "urn:uuid:link-2", previousProof });
  }

  it("a two-link chain verifies, previousProof as a string or a list", async () => {
    for (const previous of ["urn:uuid:link-1", ["urn:uuid:link-1"]]) {
      const { status, body } = await verify(await chain(previous));
      expect(status, JSON.stringify(body.results)).toBe(200);
      expect(result(body, "proof")?.message).toContain("All 2 proofs verify");
    }
  });

  it("a JCS link over an RDF link verifies as well", async () => {
    const first = await addProof(credentialV2(p256.did), p256, "ecdsa-rdfc-2019", { id: "urn:uuid:a" });
    const linked = await addProof(first, ed, "eddsa-jcs-2022", { id: "urn:uuid:b", previousProof: "urn:uuid:a" });
    expect((await verify(linked)).status).toBe(200);
  });

  it("a second link is not a proof of the document alone: made over the first, it fails when read as a set", async () => {
    const linked = await chain();
    const asSet = { ...linked, proof: [linked.proof[0], { ...linked.proof[1], previousProof: undefined }] };
    const { status, body } = await verify(JSON.parse(JSON.stringify(asSet)));
    expect(status).toBe(400);
    expect(body.errors[0]).toContain("Proof 2 of 2");
  });

  it("with one byte of the first link changed, both links fail, the first named", async () => {
    const { status, body } = await verify(tamper(await chain(), ["proof", 0, "proofValue"]));
    expect(status).toBe(400);
    expect(body.errors[0]).toContain("Proof 1 of 2 (DataIntegrityProof (eddsa-rdfc-2022), urn:uuid:link-1)");
  });

  it("with one byte of the second link changed, the second is named", async () => {
    const { status, body } = await verify(tamper(await chain(), ["proof", 1, "proofValue"]));
    expect(status).toBe(400);
    expect(body.errors[0]).toContain("Proof 2 of 2 (DataIntegrityProof (ecdsa-rdfc-2019), urn:uuid:link-2)");
  });

  it("a link naming a proof the document does not carry is broken", async () => {
    const linked = await chain();
    for (const proof of [[linked.proof[1]], [linked.proof[0], { ...linked.proof[1], previousProof: "urn:uuid:x" }]]) {
      const { status, body } = await verify({ ...linked, proof });
      expect(status).toBe(400);
      expect(result(body, "proof")?.code).toBe("chain-broken");
    }
  });
});

describe("options.checks", () => {
  const withStatus = (issuer: string) =>
    credentialV2(issuer, {
      credentialStatus: {
        id: "https://status.example/list/1#7",
        type: "StatusList2021Entry",
        statusPurpose: "revocation",
        statusListIndex: "7",
        statusListCredential: "https://status.example/list/1",
      },
    });

  it('["proof"]: a status that cannot be read does not decide, and is a warning', async () => {
    const signed = await sign(withStatus(ed.did), ed, "eddsa-jcs-2022");
    const full = await verify(signed);
    expect(full).toMatchObject({ status: 400, body: { verdict: "unverified" } });
    const proofOnly = await verify(signed, { checks: ["proof"] });
    expect(proofOnly.status).toBe(200);
    expect(proofOnly.body.warnings.join(" ")).toContain("StatusList2021Entry");
    for (const checks of [
      ["proof", "status"],
      ["proof", "credentialStatus"],
    ]) {
      expect((await verify(signed, { checks })).status).toBe(400);
    }
  });

  it('["proof"]: an expired credential is verified, its expiry a warning; ["proof", "validity"] refuses it', async () => {
    const signed = await sign(credentialV2(ed.did, { validUntil: "2026-02-15T00:00:00Z" }), ed, "eddsa-rdfc-2022");
    const proofOnly = await verify(signed, { checks: ["proof"] });
    expect(proofOnly.status).toBe(200);
    expect(proofOnly.body).toMatchObject({ verified: true, verdict: "expired", errors: [] });
    expect(proofOnly.body.warnings.join(" ")).toContain("not among options.checks");
    expect((await verify(signed, { checks: ["proof", "validity"] })).status).toBe(400);
  });

  it("the proof always decides, whatever is asked", async () => {
    const signed = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    const { status } = await verify(tamper(signed, ["credentialSubject", "alumniOf"]), { checks: ["status"] });
    expect(status).toBe(400);
  });

  it("an unknown check is a 400 naming it", async () => {
    const res = await t.app.request("/credentials/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ verifiableCredential: credentialV2(ed.did), options: { checks: ["proof", "nonsense"] } }),
    });
    const problem = await readProblem(res);
    expect(res.status).toBe(400);
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors?.[0]?.path).toBe("options.checks.1");
    expect(problem.errors?.[0]?.message).toContain('unknown check "nonsense"');
  });
});

describe("the schema check: the Open Badges schema for Open Badges, the VC Data Model rules for the rest", () => {
  it("an Open Badge is still held to the OB 3.0 schema, and keeps its checks", async () => {
    const { credential } = await issue(t);
    const ok = await verify(credential);
    expect(ok.status).toBe(200);
    expect(result(ok.body, "schema")?.title).toBe("Open Badges 3.0 format");
    const broken = await verify({
      ...credential,
      credentialSubject: { ...credential.credentialSubject, achievement: undefined },
    });
    expect(broken.status).toBe(400);
    expect(result(broken.body, "schema")?.code).toBe("schema-errors");
  });

  it.each([
    ["credential-subject", { credentialSubject: "did:example:123" }, "[credential-subject] credentialSubject"],
    ["credential-subject", { credentialSubject: [{}] }, "[credential-subject] credentialSubject[0]"],
    ["typed-object", { credentialSchema: { id: "https://example.org/schema.json" } }, "credentialSchema.type"],
    ["typed-object", { evidence: [{ id: "https://example.org/evidence/1" }] }, "evidence[0].type"],
    ["date-time", { validFrom: "2026-01-01T00:00:00" }, "[date-time] validFrom"],
    ["id", { id: "not a url" }, "[id] credential.id must be a URL"],
    ["issuer", { issuer: { name: "No id" } }, "[issuer] issuer"],
    ["related-resource", { relatedResource: [{ id: "https://example.org/a.json" }] }, "digestSRI or digestMultibase"],
    ["name-description", { name: 42 }, "[name-description] name"],
  ])("a signed credential breaking %s is invalid, the rule named", async (_rule, change, named) => {
    const unsigned = { ...credentialV2(ed.did), ...change };
    const signed = await addProof(unsigned, ed, "eddsa-jcs-2022", {});
    const { status, body } = await verify(signed);
    expect(status).toBe(400);
    expect(result(body, "schema")).toMatchObject({ outcome: "failed", code: "vcdm-rules", title: "VC Data Model" });
    expect(body.errors.join(" ")).toContain(named);
  });
});

describe("bundled contexts", () => {
  it("verifies a CLR 2.0 credential (context-2.0.1, vendored) and one using the data-integrity context", async () => {
    const clr = {
      "@context": [
        VC2,
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      ],
      id: "urn:uuid:clr-1",
      type: ["VerifiableCredential", "ClrCredential"],
      issuer: { id: ed.did, type: ["Profile"], name: "Example College" },
      name: "Transcript",
      validFrom: "2026-01-01T00:00:00Z",
      credentialSubject: { id: "did:example:learner", type: ["ClrSubject"], verifiableCredential: [] },
    };
    const { status, body } = await verify(await sign(clr, ed, "eddsa-rdfc-2022"));
    expect(status, JSON.stringify(body.results)).toBe(200);
    const di = credentialV2(ed.did);
    di["@context"].push(DI_V2);
    expect((await verify(await sign(di, ed, "eddsa-rdfc-2022"))).status).toBe(200);
  });

  it("a context it does not hold leaves the proof not checked (never fetched)", async () => {
    const signed = await sign(credentialV2(ed.did), ed, "eddsa-rdfc-2022");
    signed["@context"].push("https://example.org/unknown-context.jsonld");
    const { body } = await verify(signed);
    expect(result(body, "proof")).toMatchObject({ outcome: "not-checked", code: "unknown-context" });
  });
});
