import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureIssuerKeys, readIssuerKeys } from "../../src/crypto/key-files.js";
import { fillCredentialPages, projectionMadeBy } from "../../src/services/credential-page-projection.js";
import { rotateIssuerKeyGeneration } from "../../src/services/key-rotation.js";
import { appendAudit } from "../../src/storage/audit-repo.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, TEST_START, type TestApp } from "../helpers/make-app.js";
import { getPage, issueEveryCertification, verdictOf } from "../helpers/pages.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const NAMES = ["Ada Lovelace", "Zoë Ångström-Núñez", `Tom "Tommy" O'Brien & <Sons>`, "李小龍"];

function issueAll(): Promise<string[]> {
  return issueEveryCertification(t, NAMES);
}

async function page(id: string): Promise<string> {
  const res = await getPage(t, `/credentials/${id}`);
  expect(res.status).toBe(200);
  return res.text();
}

async function projections(): Promise<Map<string, { madeBy: string; projection: string }>> {
  const rows = await t.ctx.store.conn().select().from(t.ctx.store.conn().t.credentialPages);
  return new Map(rows.map((r) => [r.credentialId, { madeBy: r.madeBy, projection: r.projection }]));
}

async function setProjection(id: string, values: { madeBy?: string; projection?: string }): Promise<void> {
  await t.ctx.store.tx(async (tx) => {
    await tx.update(tx.t.credentialPages).set(values).where(eq(tx.t.credentialPages.credentialId, id));
  });
}

async function dropProjections(): Promise<void> {
  await t.ctx.store.tx(async (tx) => {
    await tx.delete(tx.t.credentialPages);
  });
}

describe("credential page projections", () => {
  it("give the page verified in full, byte for byte, for every certification, name and state", async () => {
    const ids = await issueAll();
    expect(ids.length).toBeGreaterThan(NAMES.length * 3);
    const [revoked, suspendedOrRevoked, replaced] = ids;
    await adminPost(t, `/admin/credentials/${revoked}/revoke`, { reason: "Shared publicly", reasonPublic: true });
    await adminPost(t, `/admin/credentials/${suspendedOrRevoked}/revoke`, { reason: "Private matter" });
    await adminPost(t, `/admin/credentials/${replaced}/reissue`, { reason: "Name corrected", recipient: {} });
    // no projection yet: every page verifies its document in full (and stores the projection it can make)
    expect((await projections()).size).toBe(0);
    const full = new Map<string, string>();
    for (const id of ids) {
      full.set(id, await page(id));
    }
    const made = await projections();
    expect(new Set(made.keys())).toEqual(new Set(ids.filter((id) => full.has(id))));
    expect([...made.values()].every((p) => p.madeBy === projectionMadeBy(t.ctx))).toBe(true);
    // from the projection now: the same page
    for (const id of ids) {
      expect(await page(id)).toBe(full.get(id));
    }
    expect(verdictOf(full.get(revoked as string) as string)).toBe("revoked");
  });

  it("are read by a view instead of the document (the page shows what the projection holds)", async () => {
    const [id] = await issueAll();
    const html = await page(id as string);
    const stored = (await projections()).get(id as string);
    expect(stored).toBeDefined();
    const projection = JSON.parse(stored?.projection as string);
    projection.display.recipientName = "Name from the projection";
    await setProjection(id as string, { projection: JSON.stringify(projection) });
    const fromProjection = await page(id as string);
    expect(fromProjection).toContain("Name from the projection");
    expect(html).not.toContain("Name from the projection");
  });

  it("keep status and validity live: a revocation, a suspension and an expiry show at once", async () => {
    const ids = await issueAll();
    for (const id of ids) {
      expect(verdictOf(await page(id))).toBe("valid");
    }
    expect((await projections()).size).toBe(ids.length);
    const [revoked, suspended] = ids;
    await adminPost(t, `/admin/credentials/${revoked}/revoke`, { reason: "Fraud", reasonPublic: true });
    expect(verdictOf(await page(revoked as string))).toBe("revoked");
    const suspendRes = await adminPost(t, `/admin/credentials/${suspended}/suspend`, { reason: "Under review" });
    if (suspendRes.status === 200) {
      expect(verdictOf(await page(suspended as string))).toBe("suspended");
    }
    // ten years later every credential that expires shows as expired, from the same projections
    t.clock.advance(10 * 366 * 24 * 3600 * 1000);
    const verdicts = new Set<string | undefined>();
    for (const id of ids.slice(2)) {
      verdicts.add(verdictOf(await page(id)));
    }
    expect(verdicts.has("expired")).toBe(true);
  });

  it("are not used when made otherwise or unreadable: the document is verified in full and the projection made again", async () => {
    const [id, other] = await issueAll();
    const html = await page(id as string);
    const otherHtml = await page(other as string);
    const before = (await projections()).get(id as string);
    // made by another format or schema: the full path, then the projection is made again
    await setProjection(id as string, { madeBy: "page-0:another-schema", projection: '{"display":{"name":"Old"}}' });
    expect(await page(id as string)).toBe(html);
    expect((await projections()).get(id as string)).toEqual(before);
    // a reserved key anywhere in it (prototype pollution): refused like any unreadable projection
    const good = (await projections()).get(other as string)?.projection as string;
    const renamed = good.replace(/"recipientName":"[^"]*"/, '"recipientName":"Renamed"');
    await setProjection(other as string, { projection: renamed.replace("{", '{"__proto__":{"polluted":true},') });
    expect(await page(other as string)).toBe(otherHtml);
    await setProjection(other as string, { projection: renamed });
    expect(await page(other as string)).toContain("Renamed");
    // this format's name on text of another shape
    await setProjection(other as string, { projection: '{"issuer":"did:web:x","display":{"name":"Forged"}}' });
    expect(await page(other as string)).toBe(otherHtml);
    // a member of the shared part in the credential's own: refused, not merged over the shared one
    const own = JSON.parse(renamed);
    own.display.name = "Forged name";
    await setProjection(other as string, { projection: JSON.stringify(own) });
    expect(await page(other as string)).toBe(otherHtml);
    await setProjection(other as string, { projection: "not json" });
    expect(await page(other as string)).toBe(otherHtml);
  });

  it("are filled for a database from before them, once each", async () => {
    const ids = await issueAll();
    expect(await fillCredentialPages(t.ctx, { batch: 7 })).toEqual({ stored: ids.length, without: 0 });
    expect((await projections()).size).toBe(ids.length);
    expect(await fillCredentialPages(t.ctx)).toEqual({ stored: 0, without: 0 });
    const html = await page(ids[0] as string);
    await dropProjections();
    expect(await page(ids[0] as string)).toBe(html);
  });

  it("keep the history live: a suspension and reinstatement, a revocation and a reissue show on the very next view", async () => {
    const ids = await issueAll();
    makeSuspendable(t, "field-product-certification-sales");
    const res = await adminPost(t, "/admin/credentials", {
      achievementId: "field-product-certification-sales",
      recipient: { email: "cycled@example.org", name: "Cy Cled" },
    });
    const cycled = ((await res.json()) as { id: string }).id;
    const [revoked, replaced, untouched] = ids as [string, string, string];
    const first = new Map<string, string>();
    for (const id of [cycled, revoked, replaced, untouched]) {
      first.set(id, await page(id));
    }
    // the projection keeps the issuance's time from its audit entry; a view reads the audit log only when the row says
    // it holds more about the credential
    const made = await projections();
    expect(JSON.parse(made.get(cycled)?.projection as string).issuedAt).toMatch(/^\d{4}-.*Z$/);
    const historyOf = (html: string) => html.match(/<ol class="history">.*?<\/ol>/s)?.[0] ?? "";
    expect(historyOf(first.get(cycled) as string)).toContain("Issued");
    const steps: Array<[string, string, Record<string, unknown>, string]> = [
      [cycled, "suspend", { reason: "Under review" }, "Suspended"],
      [cycled, "reinstate", { reason: "Cleared" }, "Reinstated"],
      [revoked, "revoke", { reason: "Shared publicly", reasonPublic: true }, "Revoked"],
      [replaced, "reissue", { reason: "Name corrected", recipient: { name: "Corrected Name" } }, "Replaced"],
    ];
    for (const [id, op, body, word] of steps) {
      t.clock.advance(24 * 3600 * 1000);
      const res = await adminPost(t, `/admin/credentials/${id}/${op}`, body);
      expect(res.status, `${op}: ${await res.clone().text()}`).toBeLessThan(300);
      const html = await page(id);
      expect(historyOf(html)).toContain(word);
      // the same page as the one made from the document and the audit log in full
      const stored = await projections();
      await dropProjections();
      expect(await page(id)).toBe(html);
      await t.ctx.store.tx(async (tx) => {
        await tx
          .insert(tx.t.credentialPages)
          .values([...stored].map(([credentialId, p]) => ({ credentialId, ...p })))
          .onConflictDoNothing();
      });
    }
    // reinstated: valid again, and its history says what happened
    const cycledHtml = await page(cycled);
    expect(verdictOf(cycledHtml)).toBe("valid");
    expect(historyOf(cycledHtml)).toMatch(/Suspended.*Reinstated/s);
    expect(verdictOf(await page(revoked))).toBe("revoked");
    // untouched: still the quick history (the issuance), the page the full path gives
    const untouchedHtml = await page(untouched);
    expect(historyOf(untouchedHtml)).toBe(historyOf(first.get(untouched) as string));
    await dropProjections();
    expect(await page(untouched)).toBe(untouchedHtml);
  });

  it("read the history whatever writes the audit entry: the database counts every entry after the issuance", async () => {
    const [id] = (await issueAll()) as [string];
    const before = await page(id);
    // an entry about the credential written by any code (another node's, a later version's), with no other change
    await t.ctx.store.tx((tx) =>
      appendAudit(tx, {
        at: t.ctx.clock(),
        actor: "elsewhere",
        action: "credential.suspended",
        targetType: "credential",
        targetId: id,
        details: { reason: "Looked into", reasonPublic: true },
      }),
    );
    const after = await page(id);
    expect(after).not.toBe(before);
    expect(after).toContain("Looked into");
  });

  it("share their certification's part, stored once under the hash of its text and used only with that text", async () => {
    const ids = await issueAll();
    const [id, other] = ids as [string, string];
    // the first views verify in full and store the projections (nothing is read from them yet)
    const html = await page(id);
    for (const each of ids.slice(1)) {
      await page(each);
    }
    const shapes = await t.ctx.store.conn().select().from(t.ctx.store.conn().t.credentialPageShapes);
    // one shared part per certification (the same texts for every recipient), none of it in the projection rows
    expect(shapes.length).toBeGreaterThan(1);
    expect(shapes.length).toBeLessThan(ids.length);
    const row = (await projections()).get(id);
    const shapeId = JSON.parse(row?.projection as string).shape as string;
    const shape = shapes.find((s) => s.id === shapeId)?.shape as string;
    const name = JSON.parse(shape).display.name as string;
    expect(html).toContain(name);
    expect(row?.projection).not.toContain(name);
    // a shared part whose text is not the one its name is the hash of is not used: the page verifies in full, and
    // stores the right text again
    const setShape = (text: string) =>
      t.ctx.store.tx(async (tx) => {
        await tx
          .update(tx.t.credentialPageShapes)
          .set({ shape: text })
          .where(eq(tx.t.credentialPageShapes.id, shapeId));
      });
    await setShape(shape.replace(name, "Forged certification"));
    expect(await page(id)).toBe(html);
    const repaired = await t.ctx.store.conn().select().from(t.ctx.store.conn().t.credentialPageShapes);
    expect(repaired.find((s) => s.id === shapeId)?.shape).toBe(shape);
    expect(await page(id)).toBe(html);
    // once read, it is kept in memory by its name (its row never changes)
    await setShape("not json");
    expect(await page(id)).toBe(html);
    expect(verdictOf(await page(other))).toBe("valid");
  });

  it("are served to a browser's plain GET as the validated route serves them, and anything else goes to that route", async () => {
    const [id] = (await issueAll()) as [string];
    await page(id);
    const plain = await getPage(t, `/credentials/${id}`);
    const validated = await getPage(t, `/credentials/${id}?format=html`);
    expect(plain.status).toBe(200);
    const html = await plain.text();
    expect(html).toBe(await validated.text());
    expect(Object.fromEntries(plain.headers)).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      vary: "Accept",
      "cache-control": "no-cache",
    });
    expect(plain.headers.get("content-security-policy")).toBe(validated.headers.get("content-security-policy"));
    // the id as the schema reads it (case-insensitive)
    expect(await (await getPage(t, `/credentials/${id.toUpperCase()}`)).text()).toBe(html);
    // a malformed or unknown id: the "No such credential" page, as before
    for (const bad of ["not-a-credential", id.slice(0, -1), "00000000-0000-4000-8000-000000000000"]) {
      const res = await getPage(t, `/credentials/${bad}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("vary")).toBe("Accept");
      expect(await res.text()).toContain("No such credential");
    }
    // JSON by Accept or by query: the signed document
    const json = await t.app.request(`/credentials/${id}`, { headers: { accept: "application/json" } });
    expect(json.headers.get("content-type")).toBe("application/vc+ld+json");
    const forced = await getPage(t, `/credentials/${id}?format=json`);
    expect(forced.headers.get("content-type")).toBe("application/vc+ld+json");
    expect(await forced.text()).toBe(await json.text());
    expect((await getPage(t, `/credentials/${id}?format=xml`)).status).toBe(400);
  });
  it("give the page verified in full after the keys rotate (the signer's checks are made against the new keys)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "laurel-page-keys-"));
    try {
      await ensureIssuerKeys(dir, TEST_START);
      const app = await makeTestApp({ keys: readIssuerKeys(dir), env: { LAUREL_KEYS_DIR: dir } });
      try {
        const view = async (id: string) => (await getPage(app, `/credentials/${id}`)).text();
        const old = (await issue(app)).id;
        await view(old); // verified in full; its projection stored
        const projected = await view(old); // from the projection, the signer's checks kept
        expect(projected).toContain("did:web:badges.test#key-1");
        await rotateIssuerKeyGeneration(app.ctx, "cli:test");
        const next = (await issue(app, { recipient: { email: "grace@example.org", name: "Grace Hopper" } })).id;
        const after = new Map([
          [old, await view(old)],
          [next, await view(next)],
        ]);
        await view(next);
        // the same pages as verifying the documents in full against the rotated keys
        await app.ctx.store.tx(async (tx) => {
          await tx.delete(tx.t.credentialPages);
        });
        for (const [id, html] of after) {
          expect(await view(id)).toBe(html);
          expect(await view(id)).toBe(html);
        }
        expect(after.get(next)).toContain("did:web:badges.test#key-2");
        // the retired key stays published: the older credential's page is as it was before the rotation
        expect(after.get(old)).toBe(projected);
        expect(verdictOf(after.get(old) as string)).toBe("valid");
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
