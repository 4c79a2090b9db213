import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { credentialV2, envelope, type Json, joseIssuer } from "../helpers/vc-signing.js";

/**
 * VC-JOSE-COSE on the VC API (issue 18 point 5, verify side): an EnvelopedVerifiableCredential whose id is
 * `data:application/vc+jwt,<JWS>`, the JWS payload being the credential itself; SD-JWT and COSE envelopes are
 * reported as not supported; the OB 3.0 VC-JWT Laurel emits is still read, bare or enveloped.
 */
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

type Result = {
  verified: boolean;
  verdict: string;
  errors: string[];
  warnings: string[];
  results: Array<{ id: string; outcome: string; code?: string; message: string }>;
};

async function verify(verifiableCredential: unknown) {
  const res = await t.app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ verifiableCredential }),
  });
  const body = (res.status === 200 ? await res.json() : await readProblem(res)) as unknown as Result;
  return { status: res.status, body };
}
const check = (body: Result, id: string) => body.results.find((r) => r.id === id);

describe("EnvelopedVerifiableCredential, data:application/vc+jwt", () => {
  it.each(["ES256", "EdDSA"] as const)("a %s token whose payload is the credential verifies", async (alg) => {
    const issuer = await joseIssuer(alg);
    const { status, body } = await verify(envelope(await issuer.signJwt(credentialV2(issuer.did))));
    expect(status, JSON.stringify(body.results)).toBe(200);
    expect(check(body, "proof")?.message).toContain(alg);
    expect(check(body, "issuer")?.outcome).toBe("passed");
  });

  it("with one byte of its payload changed, it is not genuine", async () => {
    const issuer = await joseIssuer("ES256");
    const token = await issuer.signJwt(credentialV2(issuer.did));
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Json;
    claims.credentialSubject.alumniOf = "The School of Forgeries";
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const { status, body } = await verify(envelope(forged));
    expect(status).toBe(400);
    expect(check(body, "proof")).toMatchObject({ outcome: "failed", code: "tampered" });
  });

  it("a vc claim wrapping the credential (the VC-JWT 1.1 form) is not a vc+jwt", async () => {
    const issuer = await joseIssuer("ES256");
    const token = await issuer.signJwt({ iss: issuer.did, vc: credentialV2(issuer.did) });
    const { status, body } = await verify(envelope(token));
    expect(status).toBe(400);
    expect(check(body, "format")).toMatchObject({ outcome: "failed", code: "bad-envelope" });
    expect(check(body, "format")?.message).toContain("VC-JOSE-COSE");
  });

  it("a token typed as something else (vp+jwt) is not a credential envelope", async () => {
    const issuer = await joseIssuer("ES256");
    const token = await issuer.signJwt(credentialV2(issuer.did), { typ: "vp+jwt" });
    const { body } = await verify(envelope(token));
    expect(check(body, "format")).toMatchObject({ outcome: "failed", code: "bad-envelope" });
  });

  it.each([
    ["application/vc+sd-jwt", "SD-JWT"],
    ["application/vc+cose", "COSE"],
    ["application/vc+ld+json+sd-jwt", "SD-JWT"],
  ])("%s is reported as not supported", async (mediaType, name) => {
    const issuer = await joseIssuer("ES256");
    const { status, body } = await verify(envelope(await issuer.signJwt(credentialV2(issuer.did)), mediaType));
    expect(status).toBe(400);
    expect(check(body, "format")).toMatchObject({ outcome: "not-checked", code: "unsupported-format" });
    expect(check(body, "format")?.message).toContain(`${name}`);
    expect(check(body, "format")?.message).toContain("not supported");
    expect(body.verdict).toBe("unverified");
  });

  it("an envelope whose id is not a data: URL, or holds no token, cannot be read", async () => {
    for (const id of ["https://example.org/credential.jwt", "data:application/vc+jwt,not-a-token"]) {
      const { status, body } = await verify({ type: "EnvelopedVerifiableCredential", id });
      expect(status).toBe(400);
      expect(check(body, "format")).toMatchObject({ outcome: "failed", code: "bad-envelope" });
    }
  });

  it("the OB 3.0 VC-JWT Laurel issues is still read, bare and enveloped, and its changed form is not genuine", async () => {
    const { jwt } = await issue(t);
    expect((await verify(jwt)).status).toBe(200);
    expect((await verify(envelope(jwt))).status).toBe(200);
    const [header, , signature] = jwt.split(".");
    const other = await joseIssuer("ES256");
    const foreign = (await other.signJwt(credentialV2(other.did))).split(".")[1];
    expect((await verify(envelope(`${header}.${foreign}.${signature}`))).body.verdict).toBe("not-genuine");
  });
});
