import fc from "fast-check";
import { LRUCache } from "lru-cache";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialPage } from "../../src/http/pages/credential-page.js";
import {
  type PageTemplates,
  renderCredentialPageBody,
  renderCredentialPageHtml,
} from "../../src/http/pages/credential-page-template.js";
import { siteOf } from "../../src/http/pages/site.js";
import { renderPage } from "../../src/http/send-page.js";
import { type CredentialPageData, loadCredentialPage } from "../../src/services/credential-page-data.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { getPage, issueEveryCertification } from "../helpers/pages.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const newTemplates = (): PageTemplates => new LRUCache({ max: 1000 });

async function pageData(id: string): Promise<CredentialPageData> {
  const data = await loadCredentialPage(t.ctx, id);
  if (!data) {
    throw new Error(`no credential ${id}`);
  }
  return data;
}

/** The page from the template (building it when needed) and the page rendered in full: they must be the same. */
function expectSamePage(data: CredentialPageData, templates: PageTemplates): string {
  const site = siteOf(t.ctx);
  const full = renderPage(CredentialPage({ site, data }));
  expect(renderCredentialPageHtml(site, data, templates)).toBe(full);
  // the second time the template is filled (or, for a refused shape, the page rendered in full again)
  expect(renderCredentialPageHtml(site, data, templates)).toBe(full);
  // and as served: filled in UTF-8 bytes from the encoded parts, the same page
  const body = renderCredentialPageBody(site, data, templates);
  expect(typeof body === "string" ? body : Buffer.from(body).toString("utf8")).toBe(full);
  return full;
}

const NAMES = [
  "Ada Lovelace",
  "Zoë Ångström-Núñez",
  `Tom "Tommy" O'Brien & <Sons>`,
  "李小龍",
  "Ада 𝒜 Lovelace",
  "A".repeat(200),
  "Ada \uE000 0\uE001 marker",
  "Ada 1 January 2901",
];

describe("credential page templates", () => {
  it("give the page rendered in full, for every certification, recipient name and state, and are shared", async () => {
    const templates = newTemplates();
    const ids = await issueEveryCertification(t, NAMES);
    expect(ids.length).toBeGreaterThan(NAMES.length * 3);
    for (const id of ids) {
      expectSamePage(await pageData(id), templates);
    }
    // one template per certification (names differ only in values), none refused but the marker-looking names'
    const kept = [...templates.values()];
    expect(kept.filter((x) => x !== false).length).toBeLessThanOrEqual(t.ctx.catalog.entries.length);
    expect(kept.filter((x) => x !== false).length).toBeGreaterThan(2);
    // the page served over HTTP is that page too
    const site = siteOf(t.ctx);
    const served = await (await getPage(t, `/credentials/${ids[0]}`)).text();
    expect(served).toBe(renderPage(CredentialPage({ site, data: await pageData(ids[0] as string) })));
  });

  it("give the page rendered in full for revoked, suspended, reissued and expired credentials", async () => {
    const templates = newTemplates();
    const catalog = t.ctx.catalog;
    const original = catalog.get.bind(catalog);
    catalog.get = (id) => {
      const entry = original(id);
      return entry && id === "gitlab-certified-associate" ? { ...entry, suspendable: true } : entry;
    };
    const revoked = await issue(t);
    const privatelyRevoked = await issue(t, { recipient: { email: "bo@example.org", name: "Bo" } });
    const suspended = await issue(t, { recipient: { email: "cy@example.org", name: "Cy <b>" } });
    const reissued = await issue(t, { recipient: { email: "di@example.org", name: "Di Typo" } });
    const expiring = await issue(t, {
      achievementId: "field-product-certification-sales",
      recipient: { email: "ed@example.org", name: "Ed" },
    });
    await adminPost(t, `/admin/credentials/${revoked.id}/revoke`, {
      reason: "Misconduct & <more>",
      reasonPublic: true,
    });
    await adminPost(t, `/admin/credentials/${privatelyRevoked.id}/revoke`, { reason: "Private" });
    await adminPost(t, `/admin/credentials/${suspended.id}/suspend`, { reason: "Under review", reasonPublic: true });
    t.clock.advance(3600_000);
    const res = await adminPost(t, `/admin/credentials/${reissued.id}/reissue`, {
      reason: "Name corrected",
      recipient: { name: "Di Tipo" },
    });
    const replacement = ((await res.json()) as { credential: { id: string } }).credential.id;
    const pages = new Map<string, string>();
    for (const id of [revoked.id, privatelyRevoked.id, suspended.id, reissued.id, replacement, expiring.id]) {
      pages.set(id, expectSamePage(await pageData(id), templates));
    }
    expect(pages.get(revoked.id)).toContain("Misconduct &amp; &lt;more&gt;");
    expect(pages.get(reissued.id)).toContain("Replaced by a newer credential.");
    await adminPost(t, `/admin/credentials/${suspended.id}/reinstate`, { reason: "Review closed" });
    expectSamePage(await pageData(suspended.id), templates);
    // after its end: expired, and the check time another day
    t.clock.set(new Date(new Date(expiring.validUntil as string).getTime() + 86_400_000));
    const expired = expectSamePage(await pageData(expiring.id), templates);
    expect(expired).toContain('data-verdict="expired"');
  });

  it("are refused, and the page rendered in full, when a fixed part shows what looks like a marker", async () => {
    const templates = newTemplates();
    const issued = await issue(t);
    const data = await pageData(issued.id);
    const display = data.report.display as NonNullable<CredentialPageData["report"]["display"]>;
    const odd = { ...data, report: { ...data.report, display: { ...display, description: "Until 1 January 2901." } } };
    expectSamePage(odd, templates);
    expect([...templates.values()]).toEqual([false]);
    const marker = {
      ...data,
      report: { ...data.report, display: { ...display, description: "A \uE0001\uE001 marker." } },
    };
    expectSamePage(marker, templates);
  });

  it("give the page rendered in full for generated names, dates, check sentences and histories", async () => {
    const templates = newTemplates();
    const base = await pageData((await issue(t)).id);
    const baseDisplay = base.report.display as NonNullable<CredentialPageData["report"]["display"]>;
    const instant = fc
      .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2899-12-31T23:59:59Z"), noInvalidDate: true })
      .chain((d) => fc.constantFrom(d.toISOString(), `${d.toISOString().slice(0, 19)}Z`, d.toISOString().slice(0, 10)));
    const text = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom("<&\"'>", "2901", "\uE000"));
    fc.assert(
      fc.property(
        fc.record({
          name: fc.option(text, { nil: undefined }),
          validFrom: instant,
          awardedDate: fc.option(instant, { nil: undefined }),
          validUntil: fc.option(instant, { nil: undefined }),
          checkedAt: instant,
          verdict: fc.constantFrom("valid", "expired", "revoked", "suspended", "not-yet-valid"),
          message: text,
          history: fc.array(fc.record({ at: instant, event: fc.constantFrom("issued", "suspended", "reinstated") }), {
            maxLength: 4,
          }),
          since: fc.option(instant, { nil: undefined }),
        }),
        (g) => {
          const data: CredentialPageData = {
            ...base,
            report: {
              ...base.report,
              verdict: g.verdict,
              checkedAt: g.checkedAt,
              checks: base.report.checks.map((c) => (c.id === "validity" ? { ...c, message: g.message } : c)),
              display: {
                ...baseDisplay,
                recipientName: g.name,
                validFrom: g.validFrom,
                issuedOn: g.awardedDate ?? g.validFrom,
                awardedDate: g.awardedDate,
                validUntil: g.validUntil,
              },
            },
            lifecycle: { ...base.lifecycle, history: g.history, ...(g.since ? { since: g.since } : {}) },
          };
          expectSamePage(data, templates);
        },
      ),
      { numRuns: 300, seed: 16 },
    );
    // most generated pages were filled from a template
    expect([...templates.values()].some((x) => x !== false)).toBe(true);
  });

  it("key on a projection's shared part only while the display holds its very values", async () => {
    const templates = newTemplates();
    const issued = await issue(t);
    await pageData(issued.id); // verified in full; its projection stored
    const data = await pageData(issued.id);
    expect(data.sharedDisplay).toBeDefined();
    const display = data.report.display as NonNullable<CredentialPageData["report"]["display"]>;
    expect(expectSamePage(data, templates)).toContain(display.name);
    expect([...templates.values()].filter((x) => x !== false)).toHaveLength(1);
    // the same shared part named, other texts in the display: keyed by its texts, not filled into the first template
    const renamed = { ...data, report: { ...data.report, display: { ...display, name: "Another certification" } } };
    expect(expectSamePage(renamed, templates)).toContain("Another certification");
    const described = { ...data, report: { ...data.report, display: { ...display, description: "Other words." } } };
    expect(expectSamePage(described, templates)).toContain("Other words.");
    // a shared text with a marker character is not made into a template
    const marker = {
      ...data,
      report: { ...data.report, display: { ...display, description: "A \uE0001\uE001 mark." } },
    };
    expectSamePage(marker, templates);
  });
});
