import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import {
  addProof,
  credentialV2,
  type DidKey,
  ed25519DidKey,
  envelope,
  type Json,
  joseIssuer,
  p256DidKey,
  sign,
  signPresentation,
  tamper,
  VC2,
} from "../helpers/vc-signing.js";

/**
 * POST /presentations/verify (issue 18 point 3): the presentation's proof with the authentication purpose, challenge
 * and domain matched, the holder as signer, every credential verified by the same engine, unsigned presentations only
 * as the VC API's proofless `presentation` request.
 */
let t: TestApp;
let issuer: DidKey;
let holder: DidKey;
beforeEach(async () => {
  t = await makeTestApp();
  issuer = await p256DidKey();
  holder = await ed25519DidKey();
});
afterEach(() => t.close());

type Result = {
  verified: boolean;
  checks: string[];
  warnings: string[];
  errors: string[];
  verdict: string;
  results: Array<{ id: string; outcome: string; code: string; message: string }>;
  credentials: Array<{ verified: boolean; verdict: string; errors: string[] }>;
};

async function verify(body: unknown): Promise<{ status: number; body: Result }> {
  const res = await t.app.request("/presentations/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const parsed = (res.status === 200 ? await res.json() : await readProblem(res)) as unknown as Result;
  return { status: res.status, body: parsed };
}

const check = (body: Result, id: string) => body.results.find((r) => r.id === id);
const CHALLENGE = "8b7a2f0e-5f4e-4a51-9d7c-1c2b3a4d5e6f";
const DOMAIN = "verifier.example";

async function credentials() {
  const embedded = await sign(credentialV2(issuer.did), issuer, "ecdsa-rdfc-2019");
  const jose = await joseIssuer("ES256");
  const enveloped = envelope(await jose.signJwt(credentialV2(jose.did)));
  return [embedded, enveloped];
}

describe("a signed presentation", () => {
  it("verifies: its proof, holder, challenge, domain and each of its credentials", async () => {
    const vp = await signPresentation(await credentials(), holder, { challenge: CHALLENGE, domain: DOMAIN });
    const { status, body } = await verify({
      verifiablePresentation: vp,
      options: { challenge: CHALLENGE, domain: DOMAIN },
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ verified: true, verdict: "valid", errors: [] });
    expect(body.checks).toEqual(["format", "proof", "holder", "challenge", "domain", "credentials"]);
    expect(body.credentials.map((c) => c.verified)).toEqual([true, true]);
  });

  it("signed with another suite (eddsa-jcs-2022) verifies too", async () => {
    const vp = await signPresentation(await credentials(), holder, { challenge: CHALLENGE, suite: "eddsa-jcs-2022" });
    expect((await verify({ verifiablePresentation: vp, options: { challenge: CHALLENGE } })).status).toBe(200);
  });

  it("a wrong challenge or domain is refused", async () => {
    const vp = await signPresentation(await credentials(), holder, { challenge: CHALLENGE, domain: DOMAIN });
    const wrongChallenge = await verify({
      verifiablePresentation: vp,
      options: { challenge: "another", domain: DOMAIN },
    });
    expect(wrongChallenge.status).toBe(400);
    expect(check(wrongChallenge.body, "challenge")).toMatchObject({ outcome: "failed", code: "challenge-mismatch" });
    const wrongDomain = await verify({
      verifiablePresentation: vp,
      options: { challenge: CHALLENGE, domain: "evil.example" },
    });
    expect(wrongDomain.status).toBe(400);
    expect(check(wrongDomain.body, "domain")).toMatchObject({ outcome: "failed", code: "domain-mismatch" });
  });

  it("without a challenge to compare, it verifies and says so in a warning", async () => {
    const vp = await signPresentation(await credentials(), holder, { challenge: CHALLENGE });
    const { status, body } = await verify({ verifiablePresentation: vp });
    expect(status).toBe(200);
    expect(body.warnings.join(" ")).toContain("carries a challenge, but none was given");
  });

  it("with one byte changed (in the presentation or its proof) it is not genuine", async () => {
    const vp = await signPresentation(await credentials(), holder, { challenge: CHALLENGE });
    for (const changed of [tamper(vp, ["holder"]), tamper(vp, ["proof", "proofValue"])]) {
      const { status, body } = await verify({ verifiablePresentation: changed, options: { challenge: CHALLENGE } });
      expect(status).toBe(400);
      expect(check(body, "proof")?.outcome).toBe("failed");
      expect(body.verdict).toBe("not-genuine");
    }
  });

  it("signed by someone other than its holder, it is not genuine", async () => {
    const vp = await signPresentation(await credentials(), holder, { challenge: CHALLENGE, holderId: issuer.did });
    const { status, body } = await verify({ verifiablePresentation: vp, options: { challenge: CHALLENGE } });
    expect(status).toBe(400);
    expect(check(body, "holder")).toMatchObject({ outcome: "failed", code: "key-not-holders" });
  });

  it("a proof made for issuing (assertionMethod), not for authentication, does not count", async () => {
    const unsigned = { "@context": [VC2], type: ["VerifiablePresentation"], holder: holder.did };
    const vp = await addProof(unsigned, holder, "eddsa-rdfc-2022", {
      purpose: "assertionMethod",
      challenge: CHALLENGE,
    });
    const { status, body } = await verify({ verifiablePresentation: vp, options: { challenge: CHALLENGE } });
    expect(status).toBe(400);
    expect(check(body, "proof")).toMatchObject({ outcome: "failed", code: "wrong-purpose" });
  });

  it("a credential that does not verify makes the presentation fail, naming it", async () => {
    const [embedded, enveloped] = await credentials();
    const changed = tamper(embedded as Json, ["credentialSubject", "alumniOf"]);
    const vp = await signPresentation([enveloped, changed], holder, { challenge: CHALLENGE });
    const { status, body } = await verify({ verifiablePresentation: vp, options: { challenge: CHALLENGE } });
    expect(status).toBe(400);
    expect(check(body, "proof")?.outcome).toBe("passed");
    expect(check(body, "credentials")?.message).toContain("Credential 2 of 2 did not verify (not-genuine)");
    expect(body.credentials.map((c) => c.verified)).toEqual([true, false]);
    expect(body.verdict).toBe("not-genuine");
  });

  it("options.checks applies to its credentials", async () => {
    const expired = await sign(
      credentialV2(issuer.did, { validUntil: "2026-02-15T00:00:00Z" }),
      issuer,
      "ecdsa-rdfc-2019",
    );
    const vp = await signPresentation([expired], holder, { challenge: CHALLENGE });
    expect((await verify({ verifiablePresentation: vp, options: { challenge: CHALLENGE } })).status).toBe(400);
    const proofOnly = await verify({
      verifiablePresentation: vp,
      options: { challenge: CHALLENGE, checks: ["proof"] },
    });
    expect(proofOnly.status).toBe(200);
  });
});

describe("an unsigned presentation", () => {
  const unsigned = async () => ({
    "@context": [VC2],
    type: ["VerifiablePresentation"],
    verifiableCredential: await credentials(),
  });

  it("sent as verifiablePresentation, it is refused: no proof", async () => {
    const { status, body } = await verify({ verifiablePresentation: await unsigned() });
    expect(status).toBe(400);
    expect(check(body, "proof")).toMatchObject({ outcome: "failed", code: "no-proof" });
    expect(check(body, "proof")?.message).toContain("send it as `presentation`");
  });

  it("sent as presentation (the VC API's proofless request), its credentials alone are verified, and it says so", async () => {
    const { status, body } = await verify({ presentation: await unsigned() });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(check(body, "proof")).toMatchObject({ outcome: "not-checked", code: "unsigned" });
    expect(body.warnings.join(" ")).toContain("unsigned");
    expect(body.credentials).toHaveLength(2);
  });

  it("cannot answer a challenge", async () => {
    const { status, body } = await verify({ presentation: await unsigned(), options: { challenge: CHALLENGE } });
    expect(status).toBe(400);
    expect(check(body, "challenge")).toMatchObject({ outcome: "failed" });
  });

  it("that breaks the VC Data Model is refused, the rule named", async () => {
    const { status, body } = await verify({ presentation: { ...(await unsigned()), type: ["Presentation"] } });
    expect(status).toBe(400);
    expect(check(body, "format")?.message).toContain("[type] type must include VerifiablePresentation");
  });
});

describe("the request", () => {
  it("takes exactly one of verifiablePresentation and presentation", async () => {
    const vp = { "@context": [VC2], type: ["VerifiablePresentation"] };
    const res = await t.app.request("/presentations/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ verifiablePresentation: vp, presentation: vp }),
    });
    expect(res.status).toBe(400);
    expect((await readProblem(res)).code).toBe("VALIDATION_FAILED");
  });
});
