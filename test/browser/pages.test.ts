import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminPost, issue } from "../helpers/http.js";
import { decodeQr, zbarAvailable } from "../helpers/zbar.js";
import { browserTestsEnabled, collectCspErrors, launchChromium, outputPath, serveTestApp } from "./harness.js";

// The callbacks given to evaluate() run inside Chromium; this project compiles without the DOM library.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): any;

/**
 * The public pages in real headless Chromium, with JavaScript switched off (the pages must not need it) and
 * every Content-Security-Policy report collected (the strict policy must not break them).
 */
describe.runIf(browserTestsEnabled())("public pages in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    server = await serveTestApp();
    // One certification allows suspension, so that banner can be shown too.
    const catalog = server.t.ctx.catalog;
    const original = catalog.get.bind(catalog);
    catalog.get = (id) => {
      const entry = original(id);
      return entry && id === "gitlab-certified-security-specialist" ? { ...entry, suspendable: true } : entry;
    };
    browser = await launchChromium({ javaScriptEnabled: false });
    page = await browser.context.newPage();
    collectCspErrors(page, cspErrors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => `${server.origin}${path}`;

  async function open(path: string, width = 1280, height = 900) {
    await page.setViewportSize({ width, height });
    const res = await page.goto(url(path));
    expect(res?.status(), path).toBe(200);
    expect(res?.headers()["content-type"]).toBe("text/html; charset=utf-8");
  }

  async function banner() {
    return {
      verdict: await page.getAttribute("section.verdict", "data-verdict"),
      label: (await page.textContent(".verdict__label"))?.replace("Verification result:", "").trim(),
    };
  }

  /** Full-page screenshots at phone and desktop widths, for a person to look at; plus no sideways scrolling. */
  async function screenshots(path: string, name: string) {
    for (const [width, height, tag] of [
      [390, 844, "phone"],
      [1280, 900, "desktop"],
    ] as const) {
      await open(path, width, height);
      // Lazy badge images load as they scroll into view: bring them all in before the full-page shot.
      for (const img of await page.locator("img[loading=lazy]").all()) {
        await img.scrollIntoViewIfNeeded();
      }
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: outputPath(`page-${name}-${tag}.png`), fullPage: true });
    }
  }

  it("shows a valid credential with its banner, styled by the stylesheet, at phone and desktop widths", async () => {
    const issued = await issue(server.t);
    await open(`/credentials/${issued.id}`);
    expect(await banner()).toEqual({ verdict: "valid", label: "Valid" });
    expect(await page.textContent("h1")).toBe("GitLab Certified Associate");
    expect(await page.textContent(".recipient__name")).toBe("Ada Lovelace");
    const leftBorder = await page.locator("section.verdict").evaluate((el) => getComputedStyle(el).borderLeftWidth);
    expect(leftBorder).toBe("10px");
    const badge = page.locator(".credential-head__badge img");
    expect(await badge.getAttribute("alt")).toBe("Badge: GitLab Certified Associate");
    expect(await badge.evaluate((img) => (img as any).naturalWidth)).toBe(600);
    await screenshots(`/credentials/${issued.id}`, "credential-valid");
    expect(cspErrors).toEqual([]);
  });

  it("carries the LinkedIn parameters in the Add to profile link", async () => {
    const issued = await issue(server.t, { achievementId: "field-product-certification-sales" });
    await open(`/credentials/${issued.id}`);
    const href = await page.getAttribute('[data-linkedin="add-to-profile"]', "href");
    const link = new URL(href ?? "");
    const until = new Date(issued.validUntil as string);
    expect(`${link.origin}${link.pathname}`).toBe("https://www.linkedin.com/profile/add");
    expect(Object.fromEntries(link.searchParams)).toEqual({
      startTask: "CERTIFICATION_NAME",
      name: issued.credential.credentialSubject.achievement.name,
      organizationName: "Test Academy",
      issueYear: "2026",
      issueMonth: "3",
      expirationYear: String(until.getUTCFullYear()),
      expirationMonth: String(until.getUTCMonth() + 1),
      certUrl: url(`/credentials/${issued.id}`),
      certId: issued.id,
    });
    const share = new URL((await page.getAttribute('[data-linkedin="share"]', "href")) ?? "");
    expect(share.searchParams.get("url")).toBe(url(`/credentials/${issued.id}`));
  });

  it("draws a QR code that decodes to the page URL", async ({ skip }) => {
    const issued = await issue(server.t);
    await open(`/credentials/${issued.id}`, 390, 844);
    const file = outputPath("page-qr.png");
    await page.locator(".qr__code img").screenshot({ path: file });
    skip(!zbarAvailable(), "zbarimg is not installed: the QR code was drawn but not decoded");
    const decoded = decodeQr(file);
    expect(decoded.status, decoded.stderr).toBe(0);
    expect(decoded.text).toBe(url(`/credentials/${issued.id}`));
  });

  it("shows revoked and suspended credentials, with the public reason, and no LinkedIn buttons", async () => {
    const revoked = await issue(server.t, { recipient: { email: "rev@example.org", name: "Rev Oked" } });
    const res = await adminPost(server.t, `/admin/credentials/${revoked.id}/revoke`, {
      reason: "Exam misconduct confirmed",
      reasonPublic: true,
    });
    expect(res.status).toBe(200);
    await open(`/credentials/${revoked.id}`);
    expect(await banner()).toEqual({ verdict: "revoked", label: "Revoked" });
    expect(await page.textContent(".verdict__reason")).toContain("Exam misconduct confirmed");
    expect(await page.getAttribute('[data-check="status"]', "data-outcome")).toBe("failed");
    expect(await page.locator("[data-linkedin]").count()).toBe(0);
    await screenshots(`/credentials/${revoked.id}`, "credential-revoked");

    const suspended = await issue(server.t, { achievementId: "gitlab-certified-security-specialist" });
    const sus = await adminPost(server.t, `/admin/credentials/${suspended.id}/suspend`, { reason: "Under review" });
    expect(sus.status).toBe(200);
    await open(`/credentials/${suspended.id}`);
    expect(await banner()).toEqual({ verdict: "suspended", label: "Suspended" });
    expect(await page.getAttribute('[data-check="status"]', "data-outcome")).toBe("failed");
    expect(await page.locator(".verdict__reason").count()).toBe(0);
  });

  it("shows an expired credential as expired", async () => {
    const issued = await issue(server.t, { achievementId: "field-product-certification-sales" });
    const clock = server.t.clock;
    const before = clock.now();
    clock.set(new Date(new Date(issued.validUntil as string).getTime() + 60_000));
    try {
      await open(`/credentials/${issued.id}`);
      expect(await banner()).toEqual({ verdict: "expired", label: "Expired" });
      expect(await page.getAttribute('[data-check="validity"]', "data-outcome")).toBe("failed");
    } finally {
      clock.set(before);
    }
  });

  it("verifies a baked PNG uploaded through the form, and shows a tampered upload as not genuine", async () => {
    const issued = await issue(server.t);
    const png = Buffer.from(await (await fetch(url(`/credentials/${issued.id}/badge.png`))).arrayBuffer());
    await open("/verify", 390, 844);
    await page.setInputFiles("#verify-file", { name: "badge.png", mimeType: "image/png", buffer: png });
    await page.fill("#verify-email", "ada@example.org");
    await Promise.all([page.waitForURL(url("/verify")), page.click("button[type=submit]")]);
    expect(await banner()).toEqual({ verdict: "valid", label: "Valid" });
    expect(await page.getAttribute('[data-check="recipient"]', "data-outcome")).toBe("passed");
    await page.screenshot({ path: outputPath("page-verify-result-phone.png"), fullPage: true });

    const tampered = JSON.stringify({ ...issued.credential, name: "Something grander" });
    await open("/verify");
    await page.fill("#verify-text", tampered);
    await Promise.all([page.waitForURL(url("/verify")), page.click("button[type=submit]")]);
    expect(await banner()).toEqual({ verdict: "not-genuine", label: "Not genuine" });
    expect(await page.getAttribute('[data-check="proof"]', "data-outcome")).toBe("failed");
    await page.screenshot({ path: outputPath("page-verify-not-genuine-desktop.png"), fullPage: true });
    expect(cspErrors).toEqual([]);
  });

  it("can be used from the keyboard: the skip link comes first and focus is visible", async () => {
    const issued = await issue(server.t);
    await open(`/credentials/${issued.id}`);
    await page.keyboard.press("Tab");
    const focused = page.locator(":focus");
    expect(await focused.textContent()).toBe("Skip to content");
    expect(await focused.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe("solid");
    // page.url() is Playwright's copy, updated when Chromium reports the same-document navigation (a CDP event
    // that can arrive after the key press has returned): wait for that report instead of reading it at once.
    await Promise.all([page.waitForURL(url(`/credentials/${issued.id}#main`)), page.keyboard.press("Enter")]);
    // The skip link's target takes the focus, so the next Tab starts inside the content.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    // Every form control has a label the browser associates with it.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, textarea, select")]
        .filter((el: any) => el.labels?.length === 0)
        .map((el: any) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  });

  it("on a 390 px phone: share actions and a recipient answer on the first screen, the journey fitting its box", async () => {
    const issued = await issue(server.t);
    await open(`/credentials/${issued.id}`, 390, 844);
    const share = await page.locator('[data-linkedin="add-to-profile"]').boundingBox();
    expect(share, "Add to LinkedIn profile").not.toBeNull();
    expect(share!.y + share!.height).toBeLessThanOrEqual(844);

    await page.fill("#recipient-email", "eve@example.org");
    await Promise.all([
      page.waitForURL(url(`/credentials/${issued.id}/recipient`)),
      page.click("#recipient-check button"),
    ]);
    const answer = page.locator("[data-recipient-outcome]");
    expect(await answer.getAttribute("data-recipient-outcome")).toBe("failed");
    const box = await answer.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    await page.screenshot({ path: outputPath("page-credential-recipient-phone.png") });

    for (const [width, shown] of [
      [390, "stacked"],
      [1280, "wide"],
    ] as const) {
      await open("/achievements", width, 844);
      const svg = page.locator("svg.journey__svg:visible");
      expect(await svg.count(), `${width}px`).toBe(1);
      expect(await svg.getAttribute("data-journey")).toBe(shown);
      const fit = await svg.evaluate((el) => {
        const figure = el.closest("figure").getBoundingClientRect();
        const drawn = el.getBoundingClientRect();
        return {
          inside: drawn.left >= figure.left && drawn.right <= figure.right,
          scale: drawn.width / el.viewBox.baseVal.width,
        };
      });
      // the whole drawing is in its box, at (nearly) its natural size: labels stay legible
      expect(fit.inside, `${width}px`).toBe(true);
      expect(fit.scale, `${width}px`).toBeGreaterThanOrEqual(0.95);
    }
  });

  it("renders the issuer, catalog and verify pages at phone and desktop widths", async () => {
    await screenshots("/", "home");
    await screenshots("/achievements", "catalog");
    await screenshots("/issuer", "issuer");
    expect(await page.locator("svg.journey__svg rect").count()).toBeGreaterThanOrEqual(6);
    await screenshots("/achievements/gitlab-certified-devops-professional", "achievement");
    await screenshots("/verify", "verify");
    expect(cspErrors).toEqual([]);
  });
});
