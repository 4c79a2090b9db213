import { describe, expect, it } from "vitest";
import { checkVcdmRules } from "../../src/domain/credential/vcdm-rules.js";

/** The VC Data Model rules of domain/credential/vcdm-rules.ts, each with a credential that keeps it and one that breaks it. */
const V2 = {
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
  id: "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
  type: ["VerifiableCredential", "ExampleAlumniCredential"],
  issuer: "did:example:issuer",
  validFrom: "2026-01-01T00:00:00Z",
  credentialSubject: { id: "did:example:subject", alumniOf: "The School of Examples" },
};
const V1 = {
  "@context": ["https://www.w3.org/2018/credentials/v1"],
  type: ["VerifiableCredential"],
  issuer: { id: "https://issuer.example", name: "Issuer" },
  issuanceDate: "2026-01-01T00:00:00",
  credentialSubject: [{ id: "did:example:a", name: "A" }],
};
const rules = (credential: Record<string, unknown>) => checkVcdmRules(credential).violations.map((v) => v.rule);
const messages = (credential: Record<string, unknown>) => checkVcdmRules(credential).violations.map((v) => v.message);

describe("VC Data Model rules", () => {
  it("a well-formed 2.0 and 1.1 credential break none", () => {
    expect(checkVcdmRules(V2)).toEqual({ version: "2.0", violations: [] });
    expect(checkVcdmRules(V1)).toEqual({ version: "1.1", violations: [] });
  });

  it.each([
    ["context", { "@context": "https://www.w3.org/ns/credentials/v2" }, "@context must be a list"],
    ["context", { "@context": ["https://example.org/other"] }, "@context must start with"],
    [
      "context",
      { "@context": ["https://www.w3.org/ns/credentials/v2", 42] },
      "@context[1] must be a URL or a context object",
    ],
    ["type", { type: ["ExampleAlumniCredential"] }, "type must include VerifiableCredential"],
    ["type", { type: [{}] }, "type must be a term or a list of terms"],
    ["id", { id: "credential 1" }, "credential.id must be a URL"],
    ["issuer", { issuer: undefined }, "issuer is required"],
    ["issuer", { issuer: "not a url" }, "issuer must be a URL"],
    ["credential-subject", { credentialSubject: undefined }, "credentialSubject is required"],
    ["credential-subject", { credentialSubject: [] }, "credentialSubject is required"],
    ["credential-subject", { credentialSubject: "did:example:x" }, "credentialSubject must be an object"],
    ["id", { credentialSubject: { id: "x y", name: "n" } }, "credentialSubject.id must be a URL"],
    ["date-time", { validFrom: "2026-01-01" }, "validFrom must be a date-time"],
    ["date-time", { validUntil: "2026-01-01T00:00:00" }, "validUntil must be a date-time with a time zone"],
    ["name-description", { description: { value: "x" } }, "description must be a string or language value"],
    ["typed-object", { credentialStatus: { id: "https://status.example/1#3" } }, "credentialStatus.type is required"],
    ["typed-object", { credentialSchema: { type: "JsonSchema" } }, "credentialSchema.id is required"],
    ["typed-object", { termsOfUse: ["ODRL"] }, "termsOfUse[0] must be an object"],
    ["id", { evidence: [{ type: ["Evidence"], id: "not a url" }] }, "evidence[0].id must be a URL"],
    ["typed-object", { proof: { proofValue: "z1" } }, "proof.type is required"],
    [
      "related-resource",
      { relatedResource: [{ id: "https://a.example/x" }] },
      "must give digestSRI or digestMultibase",
    ],
    [
      "related-resource",
      { relatedResource: [{ id: "https://a.example/x", digestSRI: "md5-abc" }] },
      "digestSRI must be",
    ],
    [
      "related-resource",
      { relatedResource: [{ id: "https://a.example/x", digestMultibase: "!!" }] },
      "digestMultibase must be",
    ],
    [
      "related-resource",
      {
        relatedResource: [
          { id: "https://a.example/x", digestSRI: "sha384-abc" },
          { id: "https://a.example/x", digestSRI: "sha384-abc" },
        ],
      },
      "must not name a resource another entry already names",
    ],
  ])("2.0 rule %s: %j is named", (rule, change, message) => {
    const broken = { ...V2, ...change } as Record<string, unknown>;
    expect(rules(broken)).toContain(rule);
    expect(messages(broken).join(" | ")).toContain(message);
  });

  it("keeps what 2.0 allows: language values, typed lists, related resources with either digest", () => {
    const fine = {
      ...V2,
      name: [{ "@value": "Alumni", "@language": "en" }, "Anciens"],
      credentialSchema: [{ id: "https://example.org/schema.json", type: "JsonSchema" }],
      evidence: [{ type: ["Evidence"] }],
      relatedResource: [
        {
          id: "https://a.example/x",
          digestSRI: "sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW",
        },
        { id: "https://a.example/y", digestMultibase: "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA" },
      ],
    };
    expect(checkVcdmRules(fine).violations).toEqual([]);
  });

  it.each([
    ["issuance-date", { issuanceDate: undefined }, "issuanceDate is required"],
    ["date-time", { issuanceDate: "1 January 2026" }, "issuanceDate must be an XML Schema dateTime"],
    ["date-time", { expirationDate: "2027" }, "expirationDate must be an XML Schema dateTime"],
    ["typed-object", { refreshService: { type: "ManualRefreshService2018" } }, "refreshService.id is required"],
  ])("1.1 rule %s: %j is named", (rule, change, message) => {
    const broken = { ...V1, ...change } as Record<string, unknown>;
    expect(rules(broken)).toContain(rule);
    expect(messages(broken).join(" | ")).toContain(message);
  });
});
