import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPendingApproval } from "../../src/storage/person-credentials-repo.js";
import { createAccount, TEST_PASSWORD } from "../helpers/console.js";
import { issue } from "../helpers/http.js";
import { TEST_START } from "../helpers/make-app.js";
import { captureConsolePage, signInToConsole, signOutOfConsole } from "./console-browser.js";
import { browserTestsEnabled, collectCspErrors, launchChromium, serveTestApp } from "./harness.js";

const TECH = "GitLab Technical Certifications";
const SALES = "field-product-certification-sales";

/**
 * The console's dashboard, catalog (with its reload), events outbox and audit log (filters, CSV export) in real
 * headless Chromium: axe-core on each page (no serious or critical violation), no CSP complaint, screenshots at 1280
 * and 390 px into test/output/console-*.png (no sideways scrolling on the phone); an auditor reads them all and its
 * reload is refused (403).
 */
describe.runIf(browserTestsEnabled())("the console's dashboard, catalog, events and audit pages in Chromium", () => {
  let server: Awaited<ReturnType<typeof serveTestApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let dir: string;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "laurel-catalog-"));
    cpSync("templates", dir, { recursive: true });
    server = await serveTestApp({ LAUREL_TEMPLATES_DIR: dir });
    const t = server.t;
    await createAccount(t, { email: "admin@example.org", role: "admin" });
    await createAccount(t, { email: "auditor@example.org", role: "auditor" });
    await createAccount(t, { email: "grader@example.org", role: "grader", program: TECH, graderRole: "ps-engineer" });
    for (const [at, achievementId, email] of [
      ["2026-01-15T10:00:00Z", SALES, "due@example.org"],
      ["2026-03-01T12:00:00Z", "gitlab-certified-associate", "sun@example.org"],
      ["2026-03-02T08:00:00Z", "gitlab-certified-associate", "mon@example.org"],
      ["2026-03-02T08:30:00Z", "gitlab-certified-cicd-specialist", "ci@example.org"],
    ] as const) {
      t.clock.set(new Date(at));
      await issue(t, { achievementId, recipient: { email, name: email.split("@")[0] } });
    }
    t.clock.set(TEST_START);
    await t.ctx.store.tx((tx) =>
      insertPendingApproval(tx, {
        id: "approval-1",
        personEmail: "wait@example.org",
        personName: "Wait",
        achievementId: "gitlab-certified-associate",
        achievementVersion: t.ctx.catalog.get("gitlab-certified-associate")?.version ?? "",
        decision: {},
        createdAt: TEST_START,
      }),
    );
    browser = await launchChromium();
    page = await browser.context.newPage();
    collectCspErrors(page, cspErrors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (path: string) => `${server.origin}${path}`;

  const capture = (name: string) => captureConsolePage(page, name);

  const signInAs = (email: string) => signInToConsole(page, server.origin, email);

  const signOut = () => signOutOfConsole(page);

  it("shows the dashboard's figures", async () => {
    await signInAs("admin@example.org");
    expect(await page.textContent("[data-figure=approvals]")).toBe("1");
    expect(await page.textContent("[data-figure=expiring]")).toBe("1");
    expect(await page.textContent("#renewals-head")).toBe("Renewal windows open now");
    await capture("dashboard");
  });

  it("shows the catalog, a certification, and reloads it: applied, then refused with the file and field", async () => {
    await page.goto(url("/console/catalog"));
    await capture("catalog");
    await page.click("text=Next certifications");
    await page.click("text=GitLab Product Certification for Sales Roles");
    expect(await page.textContent("h1")).toBe("GitLab Product Certification for Sales Roles");
    await capture("catalog-certification");

    const file = join(dir, "achievements", "gitlab-certified-associate.yaml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace(/^name: .*$/m, "name: GitLab Certified Associate (2027)"));
    await page.goto(url("/console/catalog"));
    await Promise.all([page.waitForLoadState("load"), page.click("text=Reload catalog")]);
    expect(await page.textContent(".console-flash")).toContain("changed: gitlab-certified-associate");
    await capture("catalog-reloaded");

    writeFileSync(file, original.replace(/^level: .*$/m, "level: gold"));
    await Promise.all([page.waitForLoadState("load"), page.click("text=Reload catalog")]);
    expect(await page.textContent("#reload-errors")).toContain("gitlab-certified-associate.yaml");
    expect(await page.textContent("#reload-errors")).toContain("level:");
    await capture("catalog-reload-errors");
    writeFileSync(file, original);
  });

  it("lists the events outbox and filters it by type", async () => {
    await page.goto(url("/console/events"));
    expect(await page.locator("tbody tr").count()).toBe(4);
    await capture("events");
    await page.selectOption("#field-type", "credential.revoked");
    await page.click("form[action='/console/events'] button");
    expect(page.url()).toContain("type=credential.revoked");
    expect(await page.textContent("main")).toContain("No event matches.");
  });

  it("filters the audit log by date, shows a bad date next to its field, and exports the filtered log as CSV", async () => {
    await page.goto(url("/console/audit"));
    await page.fill("#field-action", "credential.issued");
    await page.fill("#field-from", "2026-03-02");
    await page.fill("#field-to", "2026-03-02");
    await page.click("form[action='/console/audit'] button");
    expect(page.url()).toContain("from=2026-03-02");
    expect(await page.locator("tbody tr").count()).toBe(2);
    await capture("audit-filtered");
    const href = await page.getAttribute("a[download]", "href");
    expect(href).toBe("/console/audit/export.csv?action=credential.issued&from=2026-03-02&to=2026-03-02");
    const csv = await page.context().request.get(url(href ?? ""));
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('"seq","at","actor","action","target_type","target_id","details"');

    await page.goto(url("/console/audit?from=2026-03-05&to=2026-03-01"));
    expect(await page.textContent("#field-to-error")).toBe("must be on or after the From date");
    await capture("audit-errors");
    await signOut();
  });

  it("lets an auditor read every page and refuses its reload (403); a grader gets a 403 page for the events", async () => {
    await signInAs("auditor@example.org");
    await capture("dashboard-auditor");
    for (const path of ["/console/catalog", `/console/catalog/${SALES}`, "/console/events", "/console/audit"]) {
      const res = await page.goto(url(path));
      expect(res?.status(), path).toBe(200);
    }
    await page.goto(url("/console/catalog"));
    expect(await page.locator("text=Reload catalog").count()).toBe(0);
    const csrf = await page.getAttribute("input[name=_csrf]", "value");
    const refused = await page.context().request.post(url("/console/catalog/reload"), {
      form: { _csrf: csrf ?? "" },
      headers: { origin: server.origin },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain("catalog:reload");
    await signOut();

    await signInAs("grader@example.org");
    await capture("dashboard-grader");
    const forbidden = await page.goto(url("/console/events"));
    expect(forbidden?.status()).toBe(403);
    expect(await page.textContent("h1")).toBe("You may not do this");
    await capture("events-forbidden");
    await signOut();
  });

  it("works with JavaScript turned off: the filters, the export link and the reload are plain forms and links", async () => {
    const plain = await launchChromium({ javaScriptEnabled: false });
    try {
      const p = await plain.context.newPage();
      await p.goto(url("/console/sign-in"));
      await p.fill("#field-email", "admin@example.org");
      await p.fill("#field-password", TEST_PASSWORD);
      await Promise.all([p.waitForURL(url("/console")), p.click("button[type=submit]")]);
      expect(await p.textContent("[data-figure=approvals]")).toBe("1");
      await p.goto(url("/console/events"));
      await p.selectOption("#field-type", "credential.issued");
      await Promise.all([p.waitForURL(/type=credential.issued/), p.click("form[action='/console/events'] button")]);
      expect(await p.locator("tbody tr").count()).toBe(4);
      await p.goto(url("/console/audit"));
      await p.fill("#field-from", "2026-03-02");
      await Promise.all([p.waitForURL(/from=2026-03-02/), p.click("form[action='/console/audit'] button")]);
      expect(await p.getAttribute("a[download]", "href")).toBe("/console/audit/export.csv?from=2026-03-02");
      await p.goto(url("/console/catalog"));
      await p.fill("#field-q", "associate");
      await Promise.all([p.waitForURL(/q=associate/), p.click("form[action='/console/catalog'] button")]);
      expect(await p.locator("tbody tr").count()).toBe(1);
      await Promise.all([p.waitForLoadState("load"), p.click("text=Reload catalog")]);
      expect(await p.textContent(".console-flash")).toContain("The catalog has been reloaded on this node");
    } finally {
      await plain.close();
    }
  });

  it("ran without any Content Security Policy complaint", () => {
    expect(cspErrors).toEqual([]);
  });
});
