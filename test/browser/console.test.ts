import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, TEST_PASSWORD } from "../helpers/console.js";
import { captureConsolePage, signInToConsole, signOutOfConsole } from "./console-browser.js";
import { browserTestsEnabled, collectCspErrors, graveAxeViolations, launchChromium, serveTestApp } from "./harness.js";

// The callbacks given to evaluate() run inside Chromium; this project compiles without the DOM library.
declare const document: any;

const TECH = "GitLab Technical Certifications";

/**
 * The console in real headless Chromium: sign-in, every page, the 403 page; axe-core on each (no serious or critical
 * violation), screenshots at 1280 and 390 px into test/output/console-*.png, and the sign-in and a key's creation by
 * keyboard alone.
 */
describe.runIf(browserTestsEnabled())("the console in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    server = await serveTestApp();
    await createAccount(server.t, { email: "admin@example.org", role: "admin" });
    await createAccount(server.t, {
      email: "grader@example.org",
      role: "grader",
      program: TECH,
      graderRole: "ps-engineer",
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

  /** axe-core on the page as it is: no serious or critical violation. */
  async function _checkAccessibility(name: string) {
    expect(await graveAxeViolations(page), name).toEqual([]);
  }

  const capture = (name: string) => captureConsolePage(page, name);

  const signInAs = (email: string) => signInToConsole(page, server.origin, email);

  const signOut = () => signOutOfConsole(page);

  it("signs in by keyboard alone, and creates an API key by keyboard, its token shown once", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const res = await page.goto(url("/console"));
    expect(page.url()).toBe(url("/console/sign-in?next=%2Fconsole"));
    expect(res?.status()).toBe(200);
    await capture("sign-in");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Tab"); // the brand link
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("field-email");
    await page.keyboard.type("admin@example.org");
    await page.keyboard.press("Tab");
    await page.keyboard.type(TEST_PASSWORD);
    await Promise.all([page.waitForURL(url("/console")), page.keyboard.press("Enter")]);
    expect(await page.textContent("h1")).toBe("Welcome, admin");
    await capture("overview");

    await page.goto(url("/console/api-keys"));
    await page.focus("#field-name");
    await page.keyboard.type("lab grader");
    // the scope checkboxes: Tab to evidence:write (the fifth), Space ticks it, Tab on to the grader role
    await page.keyboard.press("Tab");
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Space");
    expect(await page.isChecked("input[value='evidence:write']")).toBe(true);
    await tabTo("field-graderRole");
    await page.keyboard.type("ps-engineer");
    await Promise.all([page.waitForLoadState("load"), page.keyboard.press("Enter")]);
    const token = await page.textContent("[data-token]");
    expect(token).toMatch(/^lrl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    await capture("api-keys-created");
    await page.goto(url("/console/api-keys"));
    expect(await page.content()).not.toContain(token ?? "none");
    await capture("api-keys");
  });

  it("shows a form's errors next to its fields", async () => {
    await page.goto(url("/console/api-keys"));
    await page.fill("#field-name", "<b>x</b>");
    await page.fill("#field-graderRole", "Not A Role");
    await page.click("text=Create key");
    expect(await page.textContent("#field-scopes-error")).toBe("choose at least one scope");
    expect(await page.textContent("#field-graderRole-error")).toContain("must be a role code");
    expect(await page.inputValue("#field-name")).toBe("<b>x</b>");
    await capture("api-keys-errors");
  });

  it("creates a grader account on the users page, gives it a role, and shows the account", async () => {
    await page.goto(url("/console/users"));
    await page.fill("#field-email", "lin@example.org");
    await page.fill("#field-name", "Lin Grader");
    await page.selectOption("#field-role", "grader");
    await page.selectOption("#field-program", TECH);
    await page.fill("#field-graderRole", "ps-engineer");
    await page.click("text=Create account");
    expect(await page.textContent("[data-password]")).toMatch(/^\S{24}$/);
    await capture("users-created");
    await page.goto(url("/console/users"));
    await capture("users");
    await page.click("text=Lin Grader");
    await page.selectOption("#field-role", "program-manager");
    await page.selectOption("#field-program", "GitLab Field Product Certification");
    await page.fill("#field-graderRole", "");
    await page.click("text=Give role");
    expect(await page.textContent(".console-flash")).toContain("The role has been given.");
    await capture("user");
  });

  it("shows the audit log with its filter, and the change-password page", async () => {
    await page.goto(url("/console/audit"));
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(3);
    await capture("audit");
    await page.fill("#field-action", "user.created");
    await page.click("form[action='/console/audit'] button");
    expect(page.url()).toContain("action=user.created");
    // the three accounts: admin and grader (created before), Lin (on the users page)
    expect(await page.locator("tbody tr").count()).toBe(3);
    await page.goto(url("/console/password"));
    await capture("password");
    await signOut();
    expect(await page.textContent(".console-flash")).toContain("You have signed out.");
  });

  /** Presses Tab until the focused element's id is `id` (the keyboard alone; at most 40 presses). */
  async function tabTo(id: string) {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.id)) === id) {
        return;
      }
    }
    throw new Error(`Tab never reached #${id}`);
  }

  it("issues a credential by hand and revokes it with a public reason, by keyboard alone", {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url("/console/credentials"));
    if (page.url().includes("/console/sign-in")) {
      await page.fill("#field-email", "admin@example.org");
      await page.fill("#field-password", TEST_PASSWORD);
      await Promise.all([page.waitForURL(url("/console/credentials")), page.click("button[type=submit]")]);
    }
    await capture("credentials-empty");
    // from the list, the "Issue a credential" link
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent)) === "Issue a credential") {
        break;
      }
    }
    await Promise.all([page.waitForURL(url("/console/credentials/new")), page.keyboard.press("Enter")]);
    await capture("credentials-new");
    // submitted without a certification: the error next to its field, what was typed kept (inert)
    await tabTo("field-email");
    await page.keyboard.type("ada@example.org");
    await page.keyboard.press("Tab");
    await page.keyboard.type("<b>Ada</b>");
    await Promise.all([page.waitForLoadState("load"), page.keyboard.press("Enter")]);
    expect(await page.textContent("#field-achievementId-error")).toBe("choose a certification");
    expect(await page.inputValue("#field-name")).toBe("<b>Ada</b>");
    expect(await page.inputValue("#field-email")).toBe("ada@example.org");
    await capture("credentials-new-errors");

    await tabTo("field-achievementId");
    for (let i = 0; i < 40 && (await page.inputValue("#field-achievementId")) !== "gitlab-certified-associate"; i++) {
      await page.keyboard.press("ArrowDown");
    }
    expect(await page.inputValue("#field-achievementId")).toBe("gitlab-certified-associate");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("field-email");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Ada Lovelace");
    await Promise.all([
      page.waitForURL(/\/console\/credentials\/[0-9a-f-]{36}\?done=issued$/),
      page.keyboard.press("Enter"),
    ]);
    expect(await page.textContent(".console-flash")).toContain("The credential has been issued");
    expect(await page.textContent("[data-state]")).toBe("Active");
    await capture("credential");

    await tabTo("field-revoke-reason");
    await page.keyboard.type("Issued to the wrong person");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    expect(await page.isChecked("form[action$='/revoke'] input[name=reasonPublic]")).toBe(true);
    await page.keyboard.press("Tab");
    await Promise.all([page.waitForURL(/\?done=revoked$/), page.keyboard.press("Enter")]);
    expect(await page.textContent("[data-state]")).toBe("Revoked");
    expect(await page.textContent("main")).toContain("credential.revoked");
    await capture("credential-revoked");
    const publicHref = await page.getAttribute("a:text('Public page')", "href");
    const publicPath = new URL(publicHref ?? "").pathname;
    await page.goto(url(publicPath));
    expect(await page.textContent("body")).toContain("Issued to the wrong person");

    await page.goto(url("/console/credentials?state=revoked"));
    expect(await page.locator("tbody tr").count()).toBe(1);
    await capture("credentials");
    await signOut();
  });

  it("answers a grader who opens the audit log with a 403 page", async () => {
    await signInAs("grader@example.org");
    const res = await page.goto(url("/console/audit"));
    expect(res?.status()).toBe(403);
    expect(await page.textContent("h1")).toBe("You may not do this");
    expect(await page.locator("nav[aria-label=Console] a").allTextContents()).toEqual([
      "Overview",
      "People",
      "Record evidence",
      "Catalog",
    ]);
    await capture("forbidden");
    await signOut();
    expect(cspErrors).toEqual([]);
  });
});
