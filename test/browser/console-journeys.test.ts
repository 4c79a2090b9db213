import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import { createAccount, TEST_PASSWORD } from "../helpers/console.js";
import { countRows } from "../helpers/store.js";
import { captureConsolePage, signInToConsole, signOutOfConsole } from "./console-browser.js";
import { browserTestsEnabled, collectCspErrors, launchChromium, serveTestApp } from "./harness.js";

// The callbacks given to evaluate() run inside Chromium; this project compiles without the DOM library.
declare const document: any;

const TECH = "GitLab Technical Certifications";
const FIELD = "GitLab Field Product Certification";
const FIELD_CERT = "field-product-certification-sales";
const ASSOCIATE = "gitlab-certified-associate";

/**
 * Issue 14's journeys through the console alone, in real headless Chromium: an admin creates a grader account; the
 * grader (by keyboard alone) records the Associate written score and the lab pass and sees the award; a field grader
 * records an award that needs approval and cannot grade a technical lab; a program manager approves it, revokes the
 * credential with a public reason and the public page shows it revoked; an auditor reads everything and every write
 * is refused; a form without the session's CSRF token (or with a wrong one) changes nothing. axe-core and screenshots
 * (1280 and 390 px, test/output/console-*.png) on every page these journeys add; no CSP complaint anywhere.
 */
describe.runIf(browserTestsEnabled())("the console's journeys in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const cspErrors: string[] = [];
  let graderPassword = "";
  let fieldCredentialPath = "";

  beforeAll(async () => {
    server = await serveTestApp();
    // the sales product certification's awards wait for a program manager's approval (this file's catalog only)
    const entry = server.t.ctx.catalog.get(FIELD_CERT);
    if (!entry) {
      throw new Error("catalog");
    }
    entry.criteria.requiresApproval = true;
    await createAccount(server.t, { email: "admin@example.org", role: "admin" });
    await createAccount(server.t, { email: "field@example.org", role: "grader", program: FIELD });
    await createAccount(server.t, { email: "pm@example.org", role: "program-manager", program: FIELD });
    await createAccount(server.t, { email: "auditor@example.org", role: "auditor" });
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

  const signInAs = (email: string, password = TEST_PASSWORD, landing = "/console") =>
    signInToConsole(page, server.origin, email, { password, landing });

  const signOut = () => signOutOfConsole(page);

  /** Presses Tab until the focused element has this id, text or name (at most 80 presses). */
  async function tabTo(target: { id?: string; text?: string; name?: string }) {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => ({
        id: document.activeElement?.id,
        text: document.activeElement?.textContent?.trim(),
        name: document.activeElement?.name,
      }));
      if (
        (target.id && focused.id === target.id) ||
        (target.text && focused.text === target.text) ||
        (target.name && focused.name === target.name)
      ) {
        return;
      }
    }
    throw new Error(`Tab never reached ${JSON.stringify(target)}`);
  }

  /**
   * Posts a form from the console page shown (as a page could, with the fields given: a forged or stale form), and
   * answers the status of the response.
   */
  async function postFromPage(path: string, fields: Record<string, string>): Promise<number> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === path),
      page.waitForNavigation({ waitUntil: "load" }),
      page.evaluate(
        ({ action, values }) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = action;
          for (const [name, value] of Object.entries(values)) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            input.value = value;
            form.appendChild(input);
          }
          document.body.appendChild(form);
          form.submit();
        },
        { action: path, values: fields },
      ),
    ]);
    return response.status();
  }

  const csrf = () => page.inputValue("input[name=_csrf] >> nth=0");

  it("an admin creates a grader account; the grader signs in and chooses a password", { timeout: 60_000 }, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs("admin@example.org");
    await page.goto(url("/console/users"));
    await page.fill("#field-email", "pat@example.org");
    await page.fill("#field-name", "Pat Engineer");
    await page.selectOption("#field-role", "grader");
    await page.selectOption("#field-program", TECH);
    await page.fill("#field-graderRole", "ps-engineer");
    await page.click("text=Create account");
    graderPassword = (await page.textContent("[data-password]")) ?? "";
    expect(graderPassword).toMatch(/^\S{24}$/);
    await signOut();

    await signInAs("pat@example.org", graderPassword, "/console/password");
    await page.fill("#field-current", graderPassword);
    await page.fill("#field-next", TEST_PASSWORD);
    await page.fill("#field-confirm", TEST_PASSWORD);
    await Promise.all([page.waitForURL(url("/console")), page.click("button:has-text('Change password')")]);
    expect(await page.locator("nav[aria-label=Console] a").allTextContents()).toEqual([
      "Overview",
      "People",
      "Record evidence",
      "Catalog",
    ]);
  });

  it("the grader records the Associate written score and the lab pass by keyboard alone, and sees the award", {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    // from the overview, the navigation's "Record evidence"
    await tabTo({ text: "Record evidence" });
    await Promise.all([page.waitForURL(url("/console/evidence/new")), page.keyboard.press("Enter")]);
    await capture("evidence-new");

    // the person and the certification (a GET form)
    await tabTo({ id: "field-person" });
    await page.keyboard.type("ada@example.org");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Ada Lovelace");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("field-certification");
    for (let i = 0; i < 20 && (await page.inputValue("#field-certification")) !== ASSOCIATE; i++) {
      await page.keyboard.press("ArrowDown");
    }
    expect(await page.inputValue("#field-certification")).toBe(ASSOCIATE);
    await page.keyboard.press("Tab");
    await Promise.all([page.waitForURL(/certification=gitlab-certified-associate/), page.keyboard.press("Enter")]);
    expect(await page.locator("[data-criterion]").count()).toBe(2);
    await capture("evidence-criteria");

    // the written assessment's score
    await tabTo({ id: "field-written-score" });
    await page.keyboard.type("86");
    // the lab is taken after the written pass: the next forms are dated ten minutes later (a session stays open 30 minutes unused)
    server.t.clock.advance(10 * 60_000);
    await Promise.all([page.waitForLoadState("load"), page.keyboard.press("Enter")]);
    expect(await page.textContent("[data-outcome] h2")).toBe("Recorded: Written assessment (pass mark 80 %)");
    expect(await page.textContent(".console-outcome")).toContain("not met yet");
    expect(await page.textContent(".console-outcome")).toContain("Hands-on lab assessment");
    await capture("evidence-recorded");

    // the lab: pass (Space on the radio), then the form's Record button
    await tabTo({ name: "passed" });
    await page.keyboard.press("Space");
    expect(await page.isChecked("input[name=passed][value=yes]")).toBe(true);
    await tabTo({ id: "field-lab-occurredAt" });
    await tabTo({ text: "Record" });
    await Promise.all([page.waitForLoadState("load"), page.keyboard.press("Enter")]);
    expect(await page.textContent("[data-award=issued]")).toContain("Awarded: GitLab Certified Associate.");
    await capture("evidence-awarded");

    await tabTo({ text: "The credential" });
    await Promise.all([page.waitForURL(/\/credentials\/[0-9a-f-]{36}$/), page.keyboard.press("Enter")]);
    expect(await page.textContent("h1")).toContain("GitLab Certified Associate");
    expect(await page.textContent("body")).toContain("Ada Lovelace");
    await page.goto(url("/console"));
    await signOut();
  });

  it("a field grader records an award that needs approval, and cannot grade a technical lab", {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs("field@example.org");
    await page.goto(url(`/console/evidence/new?person=fay%40example.org&name=Fay+Field&certification=${FIELD_CERT}`));
    // the learning path, then the assessment ten minutes later
    await page.click("[data-criterion=learning-path] button[type=submit]");
    await page.waitForLoadState("load");
    expect(await page.textContent("[data-outcome] h2")).toContain("Recorded");
    server.t.clock.advance(10 * 60_000);
    await page.goto(url(`/console/evidence/new?person=fay%40example.org&name=Fay+Field&certification=${FIELD_CERT}`));
    // bad input first: a score out of range, kept, with the API's wording next to the field
    await page.fill("#field-knowledge-assessment-score", "180");
    await page.evaluate(() => document.querySelector("#field-knowledge-assessment-score")?.removeAttribute("max"));
    await page.fill("#field-knowledge-assessment-comment", "<img src=x onerror=alert(1)>");
    await page.click("[data-criterion=knowledge-assessment] button[type=submit]");
    await page.waitForLoadState("load");
    expect(await page.textContent("#field-knowledge-assessment-score-error")).toBe("must be between 0 and 100");
    expect(await page.inputValue("#field-knowledge-assessment-comment")).toBe("<img src=x onerror=alert(1)>");
    expect(await page.locator("img[src=x]").count()).toBe(0);
    await capture("evidence-errors");
    await page.fill("#field-knowledge-assessment-score", "92");
    await page.click("[data-criterion=knowledge-assessment] button[type=submit]");
    await page.waitForLoadState("load");
    expect(await page.textContent("[data-award=pending]")).toContain("waits for a program manager's approval");

    // the technical lab: not offered, and a 403 page when asked for anyway (by address, or by a forged form)
    expect(await page.locator(`#field-certification option[value=${ASSOCIATE}]`).count()).toBe(0);
    const res = await page.goto(url(`/console/evidence/new?person=ada%40example.org&certification=${ASSOCIATE}`));
    expect(res?.status()).toBe(403);
    expect(await page.textContent("h1")).toBe("You may not do this");
    expect(await page.textContent("main")).toContain("GitLab Technical Certifications");
    await capture("evidence-forbidden");
    const before = await countRows(server.t.store, "evidence");
    const status = await postFromPage("/console/evidence/new", {
      _csrf: await csrf(),
      person: "ada@example.org",
      certification: ASSOCIATE,
      criterion: "lab",
      passed: "yes",
      occurredAt: "2026-03-02T11:00",
      externalId: "console-forged-lab",
    });
    expect(status).toBe(403);
    expect(await countRows(server.t.store, "evidence")).toBe(before);
    await signOut();
  });

  it("a program manager approves the award, revokes the credential with a public reason, and its page says revoked", {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs("pm@example.org");
    await page.click("nav[aria-label=Console] >> text=Approvals");
    await page.waitForURL(url("/console/approvals"));
    expect(await page.locator("[data-approval]").count()).toBe(1);
    expect(await page.textContent("[data-approval] h2")).toBe(
      "GitLab Product Certification for Sales Roles for Fay Field",
    );
    await capture("approvals");
    // a reject without a reason: the error next to the field, nothing decided
    await page.evaluate(() => document.querySelector("[data-approval] textarea")?.removeAttribute("required"));
    await page.click("[data-approval] button:has-text('Reject')");
    await page.waitForLoadState("load");
    expect(await page.textContent("[data-approval] .field__error")).toContain("Too small");
    await capture("approvals-errors");
    await Promise.all([page.waitForURL(/done=approved/), page.click("button:has-text('Approve and issue')")]);
    expect(await page.textContent(".console-flash")).toContain("Approved: the credential has been issued.");
    await capture("approvals-approved");
    await Promise.all([
      page.waitForURL(/\/console\/credentials\/[0-9a-f-]{36}$/),
      page.click("text=See the credential"),
    ]);
    fieldCredentialPath = new URL(page.url()).pathname.replace("/console", "");

    await page.fill("#field-revoke-reason", "Assessment taken with another person's help");
    await page.check("form[action$='/revoke'] input[name=reasonPublic]");
    await Promise.all([page.waitForURL(/\?done=revoked$/), page.click("button:has-text('Revoke credential')")]);
    expect(await page.textContent("[data-state]")).toBe("Revoked");
    await page.goto(url(fieldCredentialPath));
    const body = (await page.textContent("body")) ?? "";
    expect(body).toMatch(/revoked/i);
    expect(body).toContain("Assessment taken with another person's help");
    await page.goto(url("/console"));
    await signOut();
  });

  it("an auditor reads every page, and every write it attempts is refused with a 403 page", {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs("auditor@example.org");
    const credentialId = fieldCredentialPath.split("/").pop() ?? "";
    for (const path of [
      "/console",
      "/console/credentials",
      `/console/credentials/${credentialId}`,
      "/console/approvals",
      "/console/users",
      "/console/api-keys",
      "/console/audit",
    ]) {
      const res = await page.goto(url(path));
      expect(res?.status(), path).toBe(200);
    }
    // another award waiting: the auditor sees it, without the forms to decide it
    const person = { email: "gus@example.org", name: "Gus Field" };
    const admin = { actor: "test", graderRole: null, isAdmin: true };
    const at = (minutes: number) => new Date(server.t.clock.now().getTime() - minutes * 60_000).toISOString();
    await submitEvidence(
      server.t.ctx,
      {
        kind: "completion",
        externalId: "gus-path",
        person,
        occurredAt: at(20),
        completion: "learning-path",
        item: "field-product-sales-learning-path",
      },
      admin,
    );
    await submitEvidence(
      server.t.ctx,
      {
        kind: "assessment",
        externalId: "gus-exam",
        person,
        occurredAt: at(10),
        assessment: "field-product-sales-assessment",
        score: 88,
      },
      admin,
    );
    await page.goto(url("/console/approvals"));
    expect(await page.locator("[data-approval]").count()).toBe(1);
    expect(await page.locator("[data-approval] form").count()).toBe(0);
    await capture("approvals-auditor");
    const evidenceBefore = await countRows(server.t.store, "evidence");
    const credentialsBefore = await countRows(server.t.store, "credentials");
    const usersBefore = await countRows(server.t.store, "users");
    const token = await csrf();
    const writes: [string, Record<string, string>][] = [
      [
        "/console/evidence/new",
        { person: "ada@example.org", certification: ASSOCIATE, criterion: "written", score: "99" },
      ],
      ["/console/credentials/new", { achievementId: ASSOCIATE, email: "eve@example.org", name: "Eve" }],
      [`/console/credentials/${credentialId}/reinstate`, { reason: "no" }],
      ["/console/users", { email: "new@example.org", name: "New", role: "admin" }],
      ["/console/api-keys", { name: "k", scopes: "admin" }],
      ["/console/approvals/7f1c0d62-2b8e-4a55-9a6e-0d2f3c4b5a69/approve", {}],
    ];
    for (const [path, fields] of writes) {
      await page.goto(url("/console"));
      expect(await postFromPage(path, { _csrf: token, ...fields }), path).toBe(403);
      expect(await page.textContent("h1"), path).toBe("You may not do this");
    }
    const res = await page.goto(url("/console/evidence/new"));
    expect(res?.status()).toBe(403);
    expect(await countRows(server.t.store, "evidence")).toBe(evidenceBefore);
    expect(await countRows(server.t.store, "credentials")).toBe(credentialsBefore);
    expect(await countRows(server.t.store, "users")).toBe(usersBefore);
    await page.goto(url("/console"));
    await signOut();
  });

  it("a certified trainer fills in the Candidate Observation Form and the Training Survey, rendered from the definition", {
    timeout: 60_000,
  }, async () => {
    await createAccount(server.t, {
      email: "trainer@example.org",
      role: "grader",
      program: "GitLab Certified Trainer Program",
      graderRole: "certified-trainer",
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs("trainer@example.org");
    await page.goto(url("/console/evidence/new?person=bo%40example.org&certification=certified-trainer-gitlab-basics"));
    expect(await page.locator("[data-criterion]").count()).toBe(8);
    await capture("evidence-trainer");
    await page.fill("#field-observed-subset-delivery-ratings", "5 4 4 five");
    await page.click("[data-criterion=observed-subset-delivery] button[type=submit]");
    await page.waitForLoadState("load");
    expect(await page.textContent("#field-observed-subset-delivery-ratings-error")).toContain(
      "ratings.3: Invalid input: expected number, received string",
    );
    await page.fill("#field-observed-subset-delivery-ratings", "5 4 4 5");
    // observed first: the survey counts only for a delivery after it
    const earlier = new Date(server.t.clock.now().getTime() - 20 * 60_000).toISOString().slice(0, 16);
    await page.fill("#field-observed-subset-delivery-occurredAt", earlier);
    await page.click("[data-criterion=observed-subset-delivery] button[type=submit]");
    await page.waitForLoadState("load");
    expect(await page.textContent("[data-outcome] h2")).toContain("Recorded: Observed delivery of a subset");
    await page.fill("#field-training-survey-ratings", "5 5 4");
    await page.fill("#field-training-survey-delivery", "acme-2026-03");
    await page.click("[data-criterion=training-survey] button[type=submit]");
    await page.waitForLoadState("load");
    await page.fill("#field-close-training-survey-delivery", "acme-2026-03");
    await page.click("[data-criterion='close:training-survey'] button[type=submit]");
    await page.waitForLoadState("load");
    expect(await page.textContent("[data-outcome] h2")).toContain("Recorded: Closing a delivery");
    expect(await page.textContent("[data-outcome]")).toMatch(/Met: Delivery of the entire course/);
    await capture("evidence-trainer-recorded");
    await signOut();
  });

  it("a form without the session's CSRF token, or with a wrong one, changes nothing", { timeout: 60_000 }, async () => {
    await signInAs("pat@example.org");
    await page.goto(url(`/console/evidence/new?person=bo%40example.org&certification=${ASSOCIATE}`));
    const externalId = await page.inputValue("[data-criterion=written] input[name=externalId]");
    const fields = {
      person: "bo@example.org",
      certification: ASSOCIATE,
      criterion: "written",
      score: "95",
      occurredAt: "2026-03-02T09:00",
      externalId,
    };
    const before = await countRows(server.t.store, "evidence");
    expect(await postFromPage("/console/evidence/new", fields)).toBe(403);
    expect(await page.textContent("main")).toContain("nothing was changed");
    await page.goto(url(`/console/evidence/new?person=bo%40example.org&certification=${ASSOCIATE}`));
    expect(await postFromPage("/console/evidence/new", { ...fields, _csrf: "A".repeat(43) })).toBe(403);
    expect(await countRows(server.t.store, "evidence")).toBe(before);
    // the same form with the session's token records it
    await page.goto(url(`/console/evidence/new?person=bo%40example.org&certification=${ASSOCIATE}`));
    expect(await postFromPage("/console/evidence/new", { ...fields, _csrf: await csrf() })).toBe(200);
    expect(await countRows(server.t.store, "evidence")).toBe(before + 1);
    await signOut();
    expect(cspErrors).toEqual([]);
  });
});
