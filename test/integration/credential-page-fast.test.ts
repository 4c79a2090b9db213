import { eq } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialPage } from "../../src/http/pages/credential-page.js";
import {
  fillFastPage,
  type PageTemplates,
  registerFastPage,
  renderCredentialPageBody,
} from "../../src/http/pages/credential-page-template.js";
import { siteOf } from "../../src/http/pages/site.js";
import { renderPage } from "../../src/http/send-page.js";
import { linkedInLinks, loadCredentialPage } from "../../src/services/credential-page-data.js";
import { fastLinkedInLinks, readFastCredentialPage } from "../../src/services/credential-page-fast.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { getPage, issueEveryCertification, verdictOf } from "../helpers/pages.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const NAMES = [
  "Ada Lovelace",
  "Zoë Ångström-Núñez",
  `Tom "Tommy" O'Brien & <Sons>`,
  "李小龍",
  "Ада 𝒜 Lovelace",
  "Ada \uE000 0\uE001 marker",
  "Ada 1 January 2901",
];

/** The page as served to a browser's plain GET. */
async function served(id: string): Promise<string> {
  const res = await getPage(t, `/credentials/${id}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The page rendered in full (no template) from the page data of this moment. */
async function fullRender(id: string): Promise<string> {
  const data = await loadCredentialPage(t.ctx, id);
  if (!data) {
    throw new Error(`no credential ${id}`);
  }
  return renderPage(CredentialPage({ site: siteOf(t.ctx), data }));
}

/** Whether a view of `id` now is served from its page row and a registered template (the fast path). */
async function servedFast(id: string): Promise<boolean> {
  const read = await readFastCredentialPage(t.ctx, id);
  if (!read.found || !read.fast) {
    return false;
  }
  return Boolean(fillFastPage(siteOf(t.ctx), t.ctx.state.credentialPageTemplates, read.fast));
}

/** Views `id` until its page no longer changes path (projection made, template made, key registered): each the full page. */
async function expectSamePages(id: string): Promise<string> {
  const full = await fullRender(id);
  for (let view = 0; view < 4; view++) {
    expect(await served(id)).toBe(full);
  }
  return full;
}

describe("credential pages served from the page row", () => {
  it("are the page rendered in full, byte for byte, for every certification and name, and are served so", async () => {
    const ids = await issueEveryCertification(t, NAMES);
    expect(ids.length).toBeGreaterThan(NAMES.length * 3);
    const fast: string[] = [];
    for (const id of ids) {
      await expectSamePages(id);
      if (await servedFast(id)) {
        fast.push(id);
      }
    }
    // every page but those of a recipient name holding a template marker is served from its row
    const markerNamed = ids.filter((_, i) => i % NAMES.length === NAMES.indexOf("Ada \uE000 0\uE001 marker"));
    expect(fast.length).toBe(ids.length - markerNamed.length);
    for (const id of markerNamed) {
      expect(await servedFast(id)).toBe(false);
    }
    // a later credential of a certification already seen is served from its row at its first view after its projection
    const later = await issue(t, { recipient: { email: "later@example.org", name: "Later Person" } });
    await served(later.id); // verified in full: its projection stored
    expect(await servedFast(later.id)).toBe(true);
    expect(await served(later.id)).toBe(await fullRender(later.id));
  });

  it("keep status, validity and lifecycle live: a suspension, a revocation and an expiry show on the next view", async () => {
    makeSuspendable(t, "gitlab-certified-associate");
    const suspended = await issue(t, { recipient: { email: "s@example.org", name: "Sue" } });
    const revoked = await issue(t, { recipient: { email: "r@example.org", name: "Rob" } });
    const expiring = await issue(t, {
      achievementId: "field-product-certification-sales",
      recipient: { email: "e@example.org", name: "Eve" },
    });
    // viewed a minute later, as after its end: no date of the page is the time of the view in either state
    t.clock.advance(60_000);
    for (const id of [suspended.id, revoked.id, expiring.id]) {
      expect(verdictOf(await expectSamePages(id))).toBe("valid");
      expect(await servedFast(id)).toBe(true);
    }
    await adminPost(t, `/admin/credentials/${suspended.id}/suspend`, { reason: "Under review", reasonPublic: true });
    await adminPost(t, `/admin/credentials/${revoked.id}/revoke`, { reason: "Private matter" });
    expect(verdictOf(await served(suspended.id))).toBe("suspended");
    expect(verdictOf(await served(revoked.id))).toBe("revoked");
    expect(await expectSamePages(suspended.id)).toContain("Under review");
    await expectSamePages(revoked.id);
    // past its end: expired at once, from its row (nothing happened to it but the clock)
    t.clock.set(new Date(new Date(expiring.validUntil as string).getTime() + 1000));
    expect(verdictOf(await served(expiring.id))).toBe("expired");
    await expectSamePages(expiring.id);
    expect(await servedFast(expiring.id)).toBe(true);
  });

  it("read their status list's version with the row: a list another node signs anew shows on the next view", async () => {
    const first = await issue(t, { recipient: { email: "a@example.org", name: "Ada" } });
    const second = await issue(t, { recipient: { email: "b@example.org", name: "Bob" } });
    for (const id of [first.id, second.id]) {
      expect(verdictOf(await expectSamePages(id))).toBe("valid");
      expect(await servedFast(id)).toBe(true);
    }
    // the row of the next view brings the version of the list the last view's credential named: theirs
    const read = await readFastCredentialPage(t.ctx, first.id);
    const listId = (first.credential.credentialStatus.statusListCredential as string).split("/").at(-1) as string;
    expect(read.found && read.row.list?.id).toBe(listId);
    // another node signs the list anew (here a document whose signature no longer holds, under a new ETag)
    const { statusLists } = t.ctx.store.conn().t;
    const [list] = await t.ctx.store.conn().select().from(statusLists).where(eq(statusLists.id, listId));
    const document = JSON.parse(list?.document as string);
    for (const proof of document.proof as Array<{ proofValue: string }>) {
      proof.proofValue = `${proof.proofValue.slice(0, -2)}${proof.proofValue.endsWith("zz") ? "yy" : "zz"}`;
    }
    await t.ctx.store.tx(async (tx) => {
      await tx
        .update(statusLists)
        .set({ document: JSON.stringify(document), etag: '"another-signing"' })
        .where(eq(statusLists.id, listId));
    });
    for (const id of [first.id, second.id]) {
      const page = await served(id);
      expect(verdictOf(page)).not.toBe("valid");
      expect(page).toContain("could not be checked");
      expect(page).toBe(await fullRender(id));
    }
  });

  it("register a key only when the fast view's verdict, checks and values are the page data's", async () => {
    const issued = await issue(t);
    await served(issued.id); // verified in full: its projection stored
    const site = siteOf(t.ctx);
    const templates = t.ctx.state.credentialPageTemplates;
    const read = await readFastCredentialPage(t.ctx, issued.id);
    if (!read.found || !read.fast) {
      throw new Error("no fast view");
    }
    const fast = read.fast;
    const data = await loadCredentialPage(t.ctx, issued.id, { read });
    if (!data) {
      throw new Error("no page data");
    }
    const body = renderCredentialPageBody(site, data, templates); // the template of the full path, made
    const full = renderPage(CredentialPage({ site, data }));
    expect(typeof body === "string" ? body : Buffer.from(body).toString("utf8")).toBe(full);
    expect(fillFastPage(site, templates, fast)).toBeUndefined();
    // a value, the verdict or a check the page data does not have: nothing registered
    registerFastPage(site, templates, { ...fast, texts: fast.texts.map((x, i) => (i === 0 ? "other" : x)) }, data);
    registerFastPage(site, templates, { ...fast, dates: fast.dates.map((d) => new Date(d.getTime() + 1)) }, data);
    registerFastPage(site, templates, { ...fast, verdict: "expired" }, data);
    registerFastPage(site, templates, { ...fast, linkedIn: !fast.linkedIn }, data);
    const checks = fast.checks.map((c) => (c.id === "status" ? { ...c, outcome: "not-checked" as const } : c));
    registerFastPage(site, templates, { ...fast, checks }, data);
    expect(fillFastPage(site, templates, fast)).toBeUndefined();
    // the fast view of that very row and time: registered, and filled into the page rendered in full
    registerFastPage(site, templates, fast, data);
    const filled = fillFastPage(site, templates, fast);
    expect(filled).toBeTruthy();
    expect(typeof filled === "string" ? filled : Buffer.from(filled as Uint8Array).toString("utf8")).toBe(full);
    // values fewer than the template's slots name (never made by a real key): not filled, the full path serves
    expect(fillFastPage(site, templates, { ...fast, texts: fast.texts.slice(0, -1) })).toBe(false);
    expect(fillFastPage(site, templates, { ...fast, dates: [] })).toBe(false);
    // templates bounded by count alone (no size): their fast index is too
    const byCount: PageTemplates = new LRUCache({ max: 10 });
    expect(fillFastPage(site, byCount, fast)).toBeUndefined();
  });

  it("write LinkedIn links from their kind's prefix exactly as they are made in full", async () => {
    const named = await makeTestApp({ env: { LAUREL_LINKEDIN_ORG_ID: "12345" } });
    try {
      for (const ctx of [t.ctx, named.ctx]) {
        for (const display of [
          { name: "GitLab Certified Associate", validFrom: "2026-12-06T20:05:58Z" },
          {
            name: `Tom's "Cert" & <more> ~(!)`,
            issuedOn: "2025-01-31T23:59:59.999Z",
            validUntil: "2027-02-01T00:00:00Z",
          },
          { name: "Zoë 𝒜 \uD800 lone", validFrom: "2024-02-29T12:00:00Z", validUntil: "2024-03-01T00:00:00Z" },
          { name: "No date" },
        ]) {
          for (const id of [
            "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
            "0B4F8A9E-5C1D-4F3E-9A7B-2C6D8E1F0A3B",
            "not-an-id",
          ]) {
            const url = `${ctx.config.publicUrl}/credentials/${id}`;
            for (const verdict of ["valid", "invalid"] as const) {
              expect(fastLinkedInLinks(ctx, id, url, verdict, display)).toEqual(
                linkedInLinks(ctx, id, url, verdict, display),
              );
            }
            // a URL other than the credential's own: made in full
            expect(fastLinkedInLinks(ctx, id, "https://elsewhere.example/x", "valid", display)).toEqual(
              linkedInLinks(ctx, id, "https://elsewhere.example/x", "valid", display),
            );
          }
        }
      }
    } finally {
      await named.close();
    }
  });
});
