import type { Page } from "playwright-core";
import { expect } from "vitest";
import { TEST_PASSWORD } from "../helpers/console.js";
import { graveAxeViolations, outputPath } from "./harness.js";

// The callbacks given to evaluate() run inside Chromium; this project compiles without the DOM library.
declare const document: any;
declare const window: any;

/**
 * What every console page's browser test checks of a page as it is now: axe-core (no serious or critical
 * violation), then screenshots at phone and desktop widths into test/output/console-<name>-<width>.png, with no
 * sideways scrolling on the phone.
 */
export async function captureConsolePage(page: Page, name: string): Promise<void> {
  expect(await graveAxeViolations(page), name).toEqual([]);
  for (const [width, height, tag] of [
    [390, 844, "390"],
    [1280, 900, "1280"],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: outputPath(`console-${name}-${tag}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
  }
}

/** Signs in through the console's sign-in form, and waits for the page it lands on. */
export async function signInToConsole(
  page: Page,
  origin: string,
  email: string,
  options: { password?: string; landing?: string } = {},
): Promise<void> {
  await page.goto(`${origin}/console/sign-in`);
  await page.fill("#field-email", email);
  await page.fill("#field-password", options.password ?? TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${origin}${options.landing ?? "/console"}`), page.click("button[type=submit]")]);
}

/** Signs out with the first "Sign out" button, and waits for the sign-in page. */
export async function signOutOfConsole(page: Page): Promise<void> {
  await Promise.all([page.waitForURL(/\/console\/sign-in/), page.click("text=Sign out >> nth=0")]);
}
