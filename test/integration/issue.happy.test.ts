import { createHash } from "node:crypto";
import { decodeProtectedHeader, importJWK, type JWK } from "jose";
import jsonld from "jsonld";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { verifyVcJwt } from "../../src/crypto/vc-jwt.js";
import { listAudit } from "../../src/storage/audit-repo.js";
import { adminGet, issue } from "../helpers/http.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { ob3Validators } from "../helpers/ob3-schemas.js";
import { countRows } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const verify = (credential: Record<string, unknown>) =>
  verifyDataIntegrity({ credential, documentLoader: t.ctx.keys.current().documentLoader, now: t.clock.now() });

describe("issuing a credential through the admin API", () => {
  it("returns a signed OpenBadgeCredential shaped exactly as OB 3.0 requires", async () => {
    const issued = await issue(t, { recipient: { email: " Ada@Example.ORG ", name: "Ada Lovelace" } });
    const vc = issued.credential;

    expect(vc["@context"]).toEqual([
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]);
    expect(vc.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(vc.id).toBe(`${TEST_PUBLIC_URL}/credentials/${issued.id}`);
    expect(vc.issuer).toMatchObject({ id: "did:web:badges.test", type: ["Profile"], name: "Test Academy" });
    expect(vc.validFrom).toBe("2026-03-02T09:30:00Z");
    expect(vc.awardedDate).toBe(vc.validFrom);
    expect(vc.validUntil).toBeUndefined();
    expect(vc.credentialSchema).toEqual([
      {
        id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        type: "1EdTechJsonSchemaValidator2019",
      },
    ]);

    const achievement = vc.credentialSubject.achievement;
    expect(achievement).toMatchObject({
      id: `${TEST_PUBLIC_URL}/achievements/gitlab-certified-associate`,
      type: ["Achievement"],
      achievementType: "Certification",
      name: "GitLab Certified Associate",
      image: { id: `${TEST_PUBLIC_URL}/achievements/gitlab-certified-associate/image`, type: "Image" },
    });
    expect(achievement.criteria.narrative).toContain("written assessment");

    const [email, name] = vc.credentialSubject.identifier;
    expect(email.identityType).toBe("emailAddress");
    expect(email.hashed).toBe(true);
    const expected = createHash("sha256").update(`ada@example.org${email.salt}`).digest("hex");
    expect(email.identityHash).toBe(`sha256$${expected}`);
    expect(name).toEqual({ type: "IdentityObject", identityType: "name", hashed: false, identityHash: "Ada Lovelace" });

    expect(vc.proof).toHaveLength(1);
    expect(vc.proof[0]).toMatchObject({
      type: "DataIntegrityProof",
      cryptosuite: "eddsa-rdfc-2022",
      proofPurpose: "assertionMethod",
      verificationMethod: "did:web:badges.test#key-1",
    });
    expect(vc.proof[0].proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]+$/);
  });

  it("uses a fresh random salt for every credential", async () => {
    const a = await issue(t);
    const b = await issue(t);
    const [sa, sb] = [a, b].map((x) => x.credential.credentialSubject.identifier[0]);
    expect(sa.salt).not.toBe(sb.salt);
    expect(sa.identityHash).not.toBe(sb.identityHash);
  });

  it("sets validUntil from the certification's renewal windows", async () => {
    // Issued 2 March 2026 (fiscal Q1, February start): valid until the Q3 window (opens 1 August, 30 days) closes.
    const issued = await issue(t, { achievementId: "field-product-certification-sales" });
    expect(issued.credential.validUntil).toBe("2026-08-31T00:00:00Z");
    expect(issued.validUntil).toBe("2026-08-31T00:00:00.000Z");
  });

  it("validates against both official OB 3.0 JSON schemas, for every certification in the catalog", async () => {
    for (const { id: achievementId } of t.ctx.catalog.entries) {
      const { credential } = await issue(t, { achievementId });
      expect(ob3Validators.current(credential), JSON.stringify(ob3Validators.current.errors)).toBe(true);
      expect(ob3Validators.formal(credential), JSON.stringify(ob3Validators.formal.errors)).toBe(true);
    }
  });

  it("issues concurrently without losing or mixing anything", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => issue(t, { recipient: { email: `c${i % 3}@example.org`, name: `C ${i}` } })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(12);
    for (const r of results) {
      expect(await verify(r.credential)).toEqual({ verified: true });
    }
    expect([await countRows(t.store, "credentials"), await countRows(t.store, "recipients")]).toEqual([12, 3]);
  });

  it("passes JSON-LD safe-mode expansion with only bundled contexts", async () => {
    const { credential } = await issue(t);
    const expanded = await jsonld.expand(credential, {
      documentLoader: t.ctx.keys.current().documentLoader,
      safe: true,
    });
    expect(expanded).toHaveLength(1);
  });

  it("verifies with @digitalbazaar/vc, and any change to a signed field breaks it", async () => {
    const { credential } = await issue(t);
    expect(await verify(credential)).toEqual({ verified: true });

    const tampered: Array<(c: any) => void> = [
      (c) => {
        c.name = "Something else";
      },
      (c) => {
        c.credentialSubject.identifier[1].identityHash = "Mallory";
      },
      (c) => {
        c.credentialSubject.achievement.criteria.narrative += " (easier)";
      },
      (c) => {
        c.validFrom = "2020-01-01T00:00:00Z";
      },
      (c) => {
        c.issuer.name = "Someone Else";
      },
    ];
    for (const change of tampered) {
      const copy = structuredClone(credential);
      change(copy);
      const result = await verify(copy);
      expect(result.verified).toBe(false);
    }
  });

  it("produces a VC-JWT that verifies with jose against the JWK at its kid URL", async () => {
    const { credential, jwt, id } = await issue(t, { achievementId: "field-product-certification-sales" });
    const header = decodeProtectedHeader(jwt);
    expect(header).toEqual({ alg: "ES256", kid: `${TEST_PUBLIC_URL}/keys/key-1`, typ: "JWT" });

    const payload = await verifyVcJwt(
      jwt,
      async (h) => {
        const res = await t.app.request(String(h.kid));
        expect(res.status).toBe(200);
        const jwk = (await res.json()) as JWK;
        expect(jwk.d).toBeUndefined();
        return importJWK(jwk, "ES256");
      },
      { now: t.clock.now() },
    );
    expect(payload.iss).toBe("did:web:badges.test");
    expect(payload.jti).toBe(credential.id);
    expect(payload.nbf).toBe(Date.parse(credential.validFrom) / 1000);
    expect(payload.exp).toBe(Date.parse(credential.validUntil) / 1000);
    expect(payload.credentialSubject).toEqual(credential.credentialSubject);

    const publicJwt = await t.app.request(`/credentials/${id}/jwt`);
    expect(publicJwt.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await publicJwt.text()).toBe(jwt);
  });

  it("lets browser verifiers on other origins read public documents (CORS)", async () => {
    const { id } = await issue(t);
    for (const path of ["/.well-known/did.json", "/keys/key-1", `/credentials/${id}`, "/achievements"]) {
      const res = await t.app.request(path, { headers: { origin: "https://wallet.example" } });
      expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
    }
    const admin = await t.app.request("/admin/credentials", { headers: { origin: "https://wallet.example" } });
    expect(admin.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("accepts credential ids in any case", async () => {
    const { id } = await issue(t);
    expect((await t.app.request(`/credentials/${id.toUpperCase()}`)).status).toBe(200);
  });

  it("serves the stored credential publicly, byte for byte, as application/vc+ld+json", async () => {
    const { credential, id } = await issue(t);
    const res = await t.app.request(`/credentials/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vc+ld+json");
    expect(await res.text()).toBe(JSON.stringify(credential));
  });

  it("records the issuance in the audit log with the acting key", async () => {
    const { id } = await issue(t);
    const [entry] = await listAudit(t.store.conn(), 1);
    expect(entry).toMatchObject({ action: "credential.issued", targetType: "credential", targetId: id });
    expect(entry?.actor).toMatch(/^api-key:[a-z0-9]{12}$/);
  });
});

describe("reading credentials through the admin API", () => {
  it("answers an issuance with links to the public page and the short link, both of which lead to it", async () => {
    const issued = await issue(t);
    const links = issued.links as Record<string, string>;
    expect(links.page).toBe(issued.url);
    expect(links.shortLink).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/c/[1-9A-HJ-NP-Za-km-z]{22}$`));
    const page = await t.app.request(new URL(links.page ?? "").pathname, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const short = await t.app.request(new URL(links.shortLink ?? "").pathname);
    expect(short.status).toBe(308);
    expect(short.headers.get("location")).toBe(`/credentials/${issued.id}`);
  });

  it("gets one credential with its recipient and links", async () => {
    const issued = await issue(t);
    const res = await adminGet(t, `/admin/credentials/${issued.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.recipient).toEqual({ email: "ada@example.org", name: "Ada Lovelace" });
    expect(body.credential).toEqual(issued.credential);
    expect(body.links).toEqual({
      json: issued.url,
      jwt: `${issued.url}/jwt`,
      page: issued.url,
      shortLink: expect.stringMatching(/\/c\/\w{22}$/),
    });
  });

  it("lists newest first with filters and cursor pagination", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      const achievementId = i % 2 === 0 ? "gitlab-certified-associate" : "gitlab-certified-cicd-specialist";
      ids.push((await issue(t, { achievementId, recipient: { email: `p${i}@example.org`, name: `P ${i}` } })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = (await (await adminGet(t, `/admin/credentials${query}`)).json()) as {
        items: Array<{ id: string }>;
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const byAchievement = (await (
      await adminGet(t, "/admin/credentials?achievementId=gitlab-certified-associate")
    ).json()) as {
      items: Array<{ achievementId: string }>;
    };
    expect(byAchievement.items).toHaveLength(3);
    expect(byAchievement.items.every((i) => i.achievementId === "gitlab-certified-associate")).toBe(true);

    const byEmail = (await (await adminGet(t, "/admin/credentials?email=P3@example.org")).json()) as {
      items: Array<{ id: string }>;
    };
    expect(byEmail.items.map((i) => i.id)).toEqual([ids[3]]);
  });
});

describe("public identity and catalog documents", () => {
  it("serves the DID document with Multikey methods controlled by the issuer", async () => {
    const res = await t.app.request("/.well-known/did.json");
    const did = (await res.json()) as Record<string, any>;
    expect(did.id).toBe("did:web:badges.test");
    expect(did.verificationMethod[0]).toMatchObject({
      id: "did:web:badges.test#key-1",
      type: "Multikey",
      controller: "did:web:badges.test",
    });
    expect(did.verificationMethod[0].publicKeyMultibase).toMatch(/^z6Mk/);
    expect(did.assertionMethod).toEqual(["did:web:badges.test#key-1"]);
  });

  it("serves the JWK Set and the issuer Profile", async () => {
    const jwks = (await (await t.app.request("/.well-known/jwks.json")).json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", kid: `${TEST_PUBLIC_URL}/keys/key-1`, alg: "ES256" });
    const profile = (await (await t.app.request("/issuer")).json()) as Record<string, any>;
    expect(profile).toMatchObject({ id: "did:web:badges.test", type: ["Profile"], name: "Test Academy" });
    expect(ob3Validators.profile(profile), JSON.stringify(ob3Validators.profile.errors)).toBe(true);
  });

  it("dereferences the achievement id and its badge image", async () => {
    const { credential } = await issue(t, { achievementId: "gitlab-certified-devops-professional" });
    const achievementUrl: string = credential.credentialSubject.achievement.id;
    const doc = (await (await t.app.request(achievementUrl)).json()) as Record<string, any>;
    expect(doc.name).toBe("GitLab Certified DevOps Professional");
    const imageUrl: string = credential.credentialSubject.achievement.image.id;
    const image = await t.app.request(imageUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const svg = await (await t.app.request(`${imageUrl}.svg`)).text();
    expect(svg).toContain("PROFESSIONAL");
    expect(svg).toContain("DevOps");
    const again = await t.app.request(imageUrl, { headers: { "if-none-match": image.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
  });
});
