import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/services/issue-credential.js";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import { createAccount } from "../helpers/console.js";
import { captureConsolePage, signInToConsole } from "./console-browser.js";
import { browserTestsEnabled, collectCspErrors, launchChromium, serveTestApp } from "./harness.js";

const ADMIN = { actor: "test", graderRole: null, isAdmin: true };

/**
 * The console's people pages in real headless Chromium: the search and a person's page (progress tree, evidence with
 * a correction, credentials, history), axe-core on each, screenshots at 1280 and 390 px into
 * test/output/console-people-*.png, hostile markup shown inert, and the whole journey again without JavaScript.
 */
describe.runIf(browserTestsEnabled())("the console's people pages in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    server = await serveTestApp();
    const { t } = server;
    await createAccount(t, { email: "admin@example.org", role: "admin" });
    let seq = 0;
    const record = async (email: string, name: string, fields: Record<string, unknown>, by = ADMIN) =>
      (
        await submitEvidence(
          t.ctx,
          {
            kind: "assessment",
            externalId: `e-${++seq}`,
            person: { email, name },
            occurredAt: new Date(Date.parse("2026-02-01T09:00:00Z") + seq * 3_600_000).toISOString(),
            ...fields,
          } as never,
          by,
        )
      ).evidence.id;
    const first = await record("grace.hopper@example.org", "Grace Hopper", {
      assessment: "gitlab-associate-written",
      score: 58,
    });
    await record("grace.hopper@example.org", "Grace Hopper", {
      assessment: "gitlab-associate-written",
      score: 86,
      supersedes: first,
    });
    await record("grace.hopper@example.org", "Grace Hopper", {
      assessment: "gitlab-cicd-specialist-written",
      score: 77,
    });
    await issueCredential(t.ctx, {
      achievementId: "field-product-certification-sales",
      recipient: { email: "grace.hopper@example.org", name: "Grace Hopper" },
      actor: "test",
    });
    for (const [email, name] of [
      ["grace.lee@example.org", "Grace Lee"],
      ["gregory@example.org", "Gregory Peck"],
    ] as const) {
      await record(email, name, { assessment: "gitlab-associate-written", score: 40 });
    }
    await record("mallory@example.org", '<img src=x onerror="alert(1)">Mallory', {
      assessment: "gitlab-associate-written",
      score: 10,
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    collectCspErrors(page, cspErrors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => `${server.origin}${path}`;

  const capture = (name: string) => captureConsolePage(page, name);

  const signIn = (on: Page) => signInToConsole(on, server.origin, "admin@example.org");

  it("finds a person by name, opens their page, and shows hostile markup inert", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page);
    await Promise.all([page.waitForURL(url("/console/people")), page.click("nav >> text=People")]);
    await capture("people");
    await page.fill("#field-q", "gr");
    await Promise.all([page.waitForLoadState("load"), page.click("button:has-text('Search')")]);
    expect(page.url()).toBe(url("/console/people?q=gr"));
    expect(await page.locator("[data-person]").allTextContents()).toEqual([
      "Grace Hopper",
      "Grace Lee",
      "Gregory Peck",
    ]);
    await capture("people-search");

    await Promise.all([page.waitForLoadState("load"), page.click("text=Grace Hopper")]);
    expect(page.url()).not.toContain("@");
    expect(await page.textContent("h1")).toBe("Grace Hopper");
    expect(await page.locator("[data-evidence]").count()).toBe(3);
    expect(await page.locator("[data-corrected-by]").count()).toBe(1);
    await capture("person");

    await page.goto(url("/console/people?q=%3Cimg"));
    expect(await page.locator("[data-person]").allTextContents()).toEqual(['<img src=x onerror="alert(1)">Mallory']);
    expect(await page.locator("main img").count()).toBe(0);
    await capture("people-hostile");
    expect(cspErrors).toEqual([]);
  });

  it("works without JavaScript", async () => {
    const plain = await launchChromium({ javaScriptEnabled: false });
    try {
      const p = await plain.context.newPage();
      await signIn(p);
      await p.goto(url("/console/people"));
      await p.fill("#field-q", "grace.h");
      await Promise.all([p.waitForLoadState("load"), p.click("button:has-text('Search')")]);
      await Promise.all([p.waitForLoadState("load"), p.click("text=Grace Hopper")]);
      expect(await p.textContent("h1")).toBe("Grace Hopper");
      // the progress tree is a <details>: it opens without script
      await p.click("summary >> nth=0");
      expect(await p.locator("[data-met]").count()).toBeGreaterThan(0);
    } finally {
      await plain.close();
    }
  });
});
