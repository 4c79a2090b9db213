import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { interopFixture } from "../helpers/verify.js";

/** POST /credentials/verify, the W3C VC API verifier endpoint: 200 when verified, 400 problem details when not. */
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const verify = (body: unknown) =>
  t.app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

type Result = {
  verified: boolean;
  checks: string[];
  warnings: string[];
  errors: string[];
  verdict: string;
  results: unknown[];
};

describe("POST /credentials/verify", () => {
  it("answers 200 with the checks for a credential that verifies", async () => {
    const { credential } = await issue(t);
    const res = await verify({ verifiableCredential: credential, options: { checks: ["proof"] } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Result;
    expect(body).toMatchObject({ verified: true, verdict: "valid", errors: [] });
    expect(body.checks).toEqual(["format", "schema", "proof", "issuer", "validity", "status"]);
    expect(body.warnings).toEqual(["No email address was given to compare with the recipient."]);
    expect(body.results).toHaveLength(7);
  });

  it("accepts the VC-JWT, bare or as an EnvelopedVerifiableCredential", async () => {
    const { jwt } = await issue(t);
    expect((await verify({ verifiableCredential: jwt })).status).toBe(200);
    const enveloped = {
      "@context": "https://www.w3.org/ns/credentials/v2",
      type: "EnvelopedVerifiableCredential",
      id: `data:application/vc+jwt,${jwt}`,
    };
    expect((await verify({ verifiableCredential: enveloped })).status).toBe(200);
  });

  it("answers 400 problem details carrying the checks for a tampered credential", async () => {
    const { credential } = await issue(t);
    credential.credentialSubject.achievement.name = "GitLab Certified Grandmaster";
    const res = await verify({ verifiableCredential: credential });
    expect(res.status).toBe(400);
    const problem = (await readProblem(res)) as unknown as Result & { type: string; detail: string; status: number };
    expect(problem).toMatchObject({
      type: "urn:laurel:problem:credential-not-verified",
      code: "CREDENTIAL_NOT_VERIFIED",
      status: 400,
      verified: false,
      verdict: "not-genuine",
    });
    expect(problem.detail).toContain("not-genuine");
    expect(problem.errors.join(" ")).toMatch(/signature does not match/);
    expect(problem.checks).not.toContain("proof");
    expect(problem.results).toHaveLength(7);
  });

  it("answers 400 for an expired credential, and for one whose status could not be checked", async () => {
    const expiring = await issue(t, { achievementId: "field-product-certification-sales" });
    t.clock.set(new Date(Date.parse(expiring.validUntil as string) + 1000));
    const res = await verify({ verifiableCredential: expiring.credential });
    expect(res.status).toBe(400);
    const a = (await readProblem(res)) as unknown as Result;
    expect(a.verdict).toBe("expired");
    const revoked = JSON.parse(interopFixture("dcc-v2-didkey-eddsa-revoked.json").toString("utf8"));
    const b = (await readProblem(await verify({ verifiableCredential: revoked }))) as unknown as Result;
    expect(b.verdict).toBe("unverified");
    expect(b.warnings.join(" ")).toContain("raw.githubusercontent.com");
  });

  it("answers 400 VALIDATION_FAILED for a malformed request", async () => {
    const res = await verify({ credential: {} });
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors?.[0]?.path).toBe("verifiableCredential");
  });
});

describe("OpenAPI", () => {
  it("documents both verification endpoints with their limits", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, any>;
      components: any;
    };
    const api = doc.paths["/api/verify"]?.post;
    expect(Object.keys(api.requestBody.content)).toEqual(["application/json", "multipart/form-data"]);
    expect(Object.keys(api.responses)).toEqual(expect.arrayContaining(["200", "400", "413", "415", "429", "500"]));
    expect(doc.components.schemas.VerificationReport.properties.verdict.enum).toContain("unverified");
    const vcApi = doc.paths["/credentials/verify"]?.post;
    expect(vcApi.requestBody.required).toBe(true);
    expect(Object.keys(vcApi.responses)).toEqual(expect.arrayContaining(["200", "400", "413", "429", "500"]));
    expect(doc.components.schemas.VerifyCredentialRequest.required).toEqual(["verifiableCredential"]);
  });
});
