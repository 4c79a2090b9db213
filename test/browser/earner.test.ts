import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkTokenOf, signInMails } from "../helpers/earner.js";
import { adminPost, issue } from "../helpers/http.js";
import {
  browserTestsEnabled,
  collectCspErrors,
  graveAxeViolations,
  launchChromium,
  outputPath,
  serveTestApp,
} from "./harness.js";

// The callbacks given to evaluate() run inside Chromium; this project compiles without the DOM library.
declare const document: any;
declare const window: any;

const ADA = "ada@example.org";

/**
 * The earner space in real headless Chromium: ask for a link, follow it from the local mail outbox, confirm, /me,
 * publish the profile, the public profile; axe-core on each page (no serious or critical violation), screenshots at
 * 1280 and 390 px into test/output/earner-*.png, no sideways scrolling on a phone, no CSP violation.
 */
describe.runIf(browserTestsEnabled())("the earner space in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    server = await serveTestApp();
    const t = server.t;
    await issue(t, { recipient: { email: ADA, name: "Ada Lovelace" } });
    await issue(t, {
      achievementId: "field-product-certification-sales",
      recipient: { email: ADA, name: "Ada Lovelace" },
    });
    await adminPost(t, "/admin/evidence", {
      kind: "assessment",
      externalId: "lms-1",
      person: { email: ADA, name: "Ada Lovelace" },
      occurredAt: "2026-03-01T10:00:00Z",
      assessment: "gitlab-associate-written",
      score: 86,
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

  async function capture(name: string) {
    expect(await graveAxeViolations(page), name).toEqual([]);
    for (const [width, height, tag] of [
      [390, 844, "390"],
      [1280, 900, "1280"],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: outputPath(`earner-${name}-${tag}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
    }
  }

  it("signs in with the e-mailed link, shows /me, publishes the profile", async () => {
    await page.goto(url("/me"));
    expect(new URL(page.url()).pathname).toBe("/me/sign-in");
    await capture("sign-in");
    await page.fill("#field-email", ADA);
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-sent]");
    await capture("link-sent");

    const [mail] = await signInMails(server.t);
    const token = linkTokenOf(mail as never);
    await page.goto(url(`/me/sign-in/${token}`));
    await capture("confirm");
    await page.click("button[type=submit]");
    await page.waitForURL(url("/me"));
    expect(await page.textContent("h1")).toBe("Your credentials");
    expect(await page.locator("[data-credential]").count()).toBe(2);
    await capture("me");

    await page.fill("#field-handle", "ada-lovelace");
    await page.click("form[action='/me/profile'] button[type=submit]");
    await page.waitForSelector("[data-profile=on]");
    await capture("published");

    await page.goto(url("/u/ada-lovelace"));
    expect(await page.textContent("h1")).toBe("Ada Lovelace");
    expect(await page.locator("[data-credential]").count()).toBe(2);
    await capture("profile");

    // the link was used: following it again says so
    await page.goto(url(`/me/sign-in/${token}`));
    expect(await page.locator("[data-link=invalid]").count()).toBe(1);
    expect(cspErrors).toEqual([]);
  }, 120_000);
});
