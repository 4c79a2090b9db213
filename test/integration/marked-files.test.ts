import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractFromPng } from "../../src/baking/png.js";
import { extractFromSvg } from "../../src/baking/svg.js";
import { issue } from "../helpers/http.js";
import { lifecycle, makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { BROWSER_ACCEPT } from "../helpers/pages.js";
import { extractText } from "../helpers/pdf.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

type Files = Record<"png" | "svg" | "card" | "pdf", { etag: string; body: Buffer }>;

async function files(id: string): Promise<Files> {
  const get = async (file: string) => {
    const res = await t.app.request(`/credentials/${id}/${file}`);
    expect(res.status, file).toBe(200);
    return { etag: res.headers.get("etag") ?? "", body: Buffer.from(await res.arrayBuffer()) };
  };
  return {
    png: await get("badge.png"),
    svg: await get("badge.svg"),
    card: await get("share-card.png"),
    pdf: await get("certificate.pdf"),
  };
}

/** The word on each file's band (undefined when it has none), and the baked credential still the signed one. */
async function marksOf(f: Files, credential: Record<string, unknown>) {
  const svg = f.svg.body.toString("utf8");
  expect(extractFromSvg(svg).text).toBe(JSON.stringify(credential));
  expect(extractFromPng(f.png.body).text).toBe(JSON.stringify(credential));
  const pdf = extractText(f.pdf.body);
  const word = (text: string) => ["REVOKED", "REPLACED", "SUSPENDED", "EXPIRED"].find((w) => text.includes(w));
  return { svg: /data-stamp="([A-Z]+)"/.exec(svg)?.[1], pdf: word(pdf) };
}

async function differentPixels(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((png) => sharp(png).raw().toBuffer()));
  let differ = 0;
  for (let i = 0; i < (x as Buffer).length; i += 4) {
    if ((x as Buffer)[i] !== (y as Buffer)[i]) {
      differ++;
    }
  }
  return differ;
}

describe("files of a credential no longer in force", () => {
  it("marks the badge images, share card and certificate REVOKED, with new ETags, keeping the signed payload", async () => {
    const { id, credential } = await issue(t);
    const clean = await files(id);
    expect(await marksOf(clean, credential)).toEqual({ svg: undefined, pdf: undefined });

    expect((await lifecycle(t, id, "revoke", { reason: "Issued in error" })).status).toBe(200);
    const revoked = await files(id);
    expect(await marksOf(revoked, credential)).toEqual({ svg: "REVOKED", pdf: "REVOKED" });
    for (const file of ["png", "svg", "card", "pdf"] as const) {
      expect(revoked[file].etag, file).not.toBe(clean[file].etag);
      // a client holding the clean file's ETag gets the marked file, not a 304
      const path = { png: "badge.png", svg: "badge.svg", card: "share-card.png", pdf: "certificate.pdf" }[file];
      const res = await t.app.request(`/credentials/${id}/${path}`, { headers: { "if-none-match": clean[file].etag } });
      expect(res.status, file).toBe(200);
    }
    // a diagonal band across a good part of the image
    expect(await differentPixels(clean.png.body, revoked.png.body)).toBeGreaterThan(600 * 600 * 0.1);
    expect(await differentPixels(clean.card.body, revoked.card.body)).toBeGreaterThan(1200 * 627 * 0.1);
    const page = await (await t.app.request(`/credentials/${id}`, { headers: { accept: BROWSER_ACCEPT } })).text();
    expect(page).toContain("with the credential baked in, marked “REVOKED”");
  });

  it("marks a suspension SUSPENDED and a reinstated credential's files are clean again (the same ETags)", async () => {
    makeSuspendable(t, "gitlab-certified-security-specialist");
    const { id, credential } = await issue(t, { achievementId: "gitlab-certified-security-specialist" });
    const clean = await files(id);
    expect((await lifecycle(t, id, "suspend", { reason: "Under review" })).status).toBe(200);
    expect(await marksOf(await files(id), credential)).toEqual({ svg: "SUSPENDED", pdf: "SUSPENDED" });
    expect((await lifecycle(t, id, "reinstate", { reason: "Cleared" })).status).toBe(200);
    const again = await files(id);
    expect(await marksOf(again, credential)).toEqual({ svg: undefined, pdf: undefined });
    for (const file of ["png", "svg", "card", "pdf"] as const) {
      expect(again[file].etag, file).toBe(clean[file].etag);
    }
  });

  it("marks an expired credential EXPIRED from the moment it expires, evaluated at each request", async () => {
    const { id, credential, validUntil } = await issue(t, { achievementId: "field-product-certification-sales" });
    const before = await files(id);
    expect(await marksOf(before, credential)).toEqual({ svg: undefined, pdf: undefined });
    t.clock.set(new Date(new Date(validUntil as string).getTime() + 1000));
    const after = await files(id);
    expect(await marksOf(after, credential)).toEqual({ svg: "EXPIRED", pdf: "EXPIRED" });
    expect(after.card.etag).not.toBe(before.card.etag);
  });

  it("marks a credential replaced by a reissue REPLACED, not revoked", async () => {
    const { id, credential } = await issue(t, { recipient: { email: "di@example.org", name: "Di Typo" } });
    const res = await lifecycle(t, id, "reissue", { reason: "Name typo", recipient: { name: "Di Tipo" } });
    expect(res.status).toBe(201);
    expect(await marksOf(await files(id), credential)).toEqual({ svg: "REPLACED", pdf: "REPLACED" });
  });
});
