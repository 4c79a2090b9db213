import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractFromPng } from "../../src/baking/png.js";
import { extractFromSvg } from "../../src/baking/svg.js";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe("badge artwork of a certification", () => {
  it("the achievement image in credentials is a 600×600 PNG, with an SVG twin", async () => {
    const { credential } = await issue(t, { achievementId: "gitlab-certified-security-specialist" });
    const res = await t.app.request(credential.credentialSubject.achievement.image.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(await bytes(res)).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([600, 600, "png"]);
    const svg = await t.app.request("/achievements/gitlab-certified-security-specialist/image.svg");
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await svg.text()).toContain("SPECIALIST");
  });
});

describe("baked badges", () => {
  it("PNG: the signed credential comes back out exactly, verifies, and pixels are the base image's", async () => {
    const { id, credential } = await issue(t);
    const res = await t.app.request(`/credentials/${id}/badge.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="gitlab-certified-associate-${id.slice(0, 8)}.png"`,
    );
    const baked = await bytes(res);
    const extracted = extractFromPng(baked);
    expect(extracted).toMatchObject({ standard: "ob3", kind: "json", container: "png" });
    expect(extracted.text).toBe(JSON.stringify(credential));
    const verified = await verifyDataIntegrity({
      credential: JSON.parse(extracted.text),
      documentLoader: t.ctx.keys.current().documentLoader,
      now: t.clock.now(),
    });
    expect(verified).toEqual({ verified: true });

    const base = await bytes(await t.app.request("/achievements/gitlab-certified-associate/image"));
    const [a, b] = await Promise.all([base, baked].map((png) => sharp(png).raw().toBuffer()));
    expect(b?.equals(a as Buffer)).toBe(true);
  });

  it("PNG with the VC-JWT, and SVG with JSON or JWT, all round-trip", async () => {
    const { id, credential, jwt } = await issue(t);
    const pngJwt = extractFromPng(await bytes(await t.app.request(`/credentials/${id}/badge.png?proof=jwt`)));
    expect(pngJwt).toMatchObject({ standard: "ob3", kind: "jws", text: jwt });

    const svgRes = await t.app.request(`/credentials/${id}/badge.svg`);
    expect(svgRes.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await svgRes.text();
    expect(svg).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    expect(extractFromSvg(svg)).toMatchObject({ standard: "ob3", kind: "json", text: JSON.stringify(credential) });
    const svgJwt = await (await t.app.request(`/credentials/${id}/badge.svg?proof=jwt`)).text();
    expect(extractFromSvg(svgJwt)).toMatchObject({ kind: "jws", text: jwt });
  });

  it("answers 304 to a matching ETag, and ETags differ between credentials and forms", async () => {
    const a = await issue(t);
    const b = await issue(t);
    const first = await t.app.request(`/credentials/${a.id}/badge.png`);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get("cache-control")).toContain("no-cache");
    const again = await t.app.request(`/credentials/${a.id}/badge.png`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const other = await t.app.request(`/credentials/${b.id}/badge.png`);
    const jwtForm = await t.app.request(`/credentials/${a.id}/badge.png?proof=jwt`);
    expect(new Set([etag, other.headers.get("etag"), jwtForm.headers.get("etag")]).size).toBe(3);
  });

  it("rejects an unknown proof form and an unknown credential with problems", async () => {
    const { id } = await issue(t);
    const bad = await readProblem(await t.app.request(`/credentials/${id}/badge.png?proof=xml`));
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0]?.path).toBe("proof");
    const missing = await t.app.request("/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b/badge.svg");
    expect((await readProblem(missing)).status).toBe(404);
  });
});

describe("share card, certificate and QR codes", () => {
  it("serves a 1200×627 share card PNG", async () => {
    const { id } = await issue(t, { recipient: { email: "a@example.org", name: 'דוד לוי <&> "O\'Neil"' } });
    const res = await t.app.request(`/credentials/${id}/share-card.png`);
    expect(res.status).toBe(200);
    const meta = await sharp(await bytes(res)).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 627]);
  });

  it("serves a one-page PDF certificate as a download", async () => {
    const { id } = await issue(t, { achievementId: "field-product-certification-sales" });
    const res = await t.app.request(`/credentials/${id}/certificate.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toContain("-certificate.pdf");
    const pdf = await bytes(res);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("serves QR codes as SVG and PNG", async () => {
    const { id } = await issue(t);
    const svg = await t.app.request(`/credentials/${id}/qr.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await t.app.request(`/credentials/${id}/qr.png`);
    const meta = await sharp(await bytes(png)).metadata();
    expect(meta.width).toBe(512);
  });
});

describe("a stored credential whose name its files cannot draw as given", () => {
  // Intake refuses such names; a credential stored before (or by another path) must still never make a file route 500.
  it.each([
    ["a control character", "Kim\u0001Park"],
    ["noncharacters XML cannot carry", "Kim\ufffe Park\uffff"],
    ["a bidi override", "Kim \u202ekraP"],
  ])("with %s: every file answers, and the baked SVG carries the signed credential", async (_label, name) => {
    const view = await issueCredential(t.ctx, {
      achievementId: "gitlab-certified-associate",
      recipient: { email: "kim@example.org", name },
      actor: "test",
    });
    for (const file of ["badge.svg", "badge.png", "share-card.png", "certificate.pdf", "qr.svg"]) {
      const res = await t.app.request(`/credentials/${view.id}/${file}`);
      expect(res.status, file).toBe(200);
      await res.arrayBuffer();
    }
    expect((await t.app.request(`/credentials/${view.id}`, { headers: { accept: "text/html" } })).status).toBe(200);
    const svg = await (await t.app.request(`/credentials/${view.id}/badge.svg`)).text();
    const baked = extractFromSvg(svg);
    expect(JSON.parse(baked.text)).toEqual(view.credential);
  });
});
