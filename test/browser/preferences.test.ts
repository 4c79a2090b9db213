import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { adminGet, issue } from "../helpers/http.js";
import { browserTestsEnabled, collectCspErrors, launchChromium, outputPath, serveTestApp } from "./harness.js";

// The callbacks given to evaluate() run inside Chromium; this project compiles without the DOM library.
declare const document: any;
declare const window: any;

/**
 * The e-mail preference page a recipient reaches from the link in every message (no login), in headless Chromium
 * with JavaScript off: it shows the reminder choice, one button changes it, and it fits a phone.
 */
describe.runIf(browserTestsEnabled())("the e-mail preference page in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let link = "";
  const cspErrors: string[] = [];

  beforeAll(async () => {
    server = await serveTestApp();
    const t = server.t;
    await issue(t);
    await runDelivery(t.ctx, deliveryChannels(t.ctx));
    const mail = (await (await adminGet(t, "/admin/mail")).json()) as { items: Array<{ text: string }> };
    link = /(http:\/\/127\.0\.0\.1:\d+\/preferences\/[A-Za-z0-9_-]{43})/.exec(mail.items[0]?.text ?? "")?.[1] ?? "";
    browser = await launchChromium({ javaScriptEnabled: false });
    page = await browser.context.newPage();
    collectCspErrors(page, cspErrors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function shoot(name: string) {
    for (const [width, tag] of [
      [1280, "desktop"],
      [390, "phone"],
    ] as const) {
      await page.setViewportSize({ width, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: outputPath(`page-${name}-${tag}.png`), fullPage: true });
    }
  }

  it("follows the link from the award e-mail, turns reminders off with one button, and back on", async () => {
    expect(link).not.toBe("");
    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    expect(await page.getAttribute("[data-reminders]", "data-reminders")).toBe("on");
    expect(await page.textContent("h1")).toBe("E-mail preferences");
    await shoot("preferences");

    await page.click("button[type=submit]");
    expect(await page.getAttribute("[data-changed]", "data-changed")).toBe("off");
    expect(await page.getAttribute("[data-reminders]", "data-reminders")).toBe("off");
    expect(await page.textContent("[role=status]")).toContain("no more expiry reminders");
    await shoot("preferences-off");

    await page.click("button[type=submit]");
    expect(await page.getAttribute("[data-reminders]", "data-reminders")).toBe("on");
    expect(cspErrors).toEqual([]);
  });

  it("says plainly when the link is not valid", async () => {
    const res = await page.goto(link.replace(/\/preferences\/.*/, "/preferences/not-a-token"));
    expect(res?.status()).toBe(404);
    expect(await page.textContent("[data-preferences]")).toContain("This link is not valid");
    await shoot("preferences-unknown");
  });
});
