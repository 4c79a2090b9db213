import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { listAuditEntries } from "../../src/services/audit.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { createAccount, getPage, postForm, signIn } from "../helpers/console.js";
import { adminPost, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

const ASSOCIATE = "templates/achievements/gitlab-certified-associate.yaml";

let t: TestApp;
let dir: string;
let admin: Awaited<ReturnType<typeof signIn>>;
beforeEach(async () => {
  // a templates folder of the test's own, to change definition files in
  dir = mkdtempSync(join(tmpdir(), "laurel-catalog-"));
  cpSync("templates", dir, { recursive: true });
  t = await makeTestApp({ env: { LAUREL_TEMPLATES_DIR: dir } });
  await createAccount(t, { email: "admin@example.org", role: "admin" });
  admin = await signIn(t, "admin@example.org");
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function text(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

function associateFile(): string {
  return join(dir, "achievements", "gitlab-certified-associate.yaml");
}

async function reload(as = admin) {
  return postForm(t, "/console/catalog/reload", { _csrf: as.csrf }, { cookie: as.cookie });
}

describe("the console catalog", () => {
  it("lists certifications by id, filters by words and program, and pages by keyset", async () => {
    const first = await (await getPage(t, "/console/catalog", admin.cookie)).text();
    expect(first).toContain("20 in the catalog.");
    expect(first).toContain('src="/achievements/certified-trainer-gitlab-basics/image.svg"');
    expect(first.match(/href="\/console\/catalog\/[a-z0-9-]+"/g)).toHaveLength(10);
    const next = /href="(\/console\/catalog\?after=[a-z0-9-]+)"/.exec(first)?.[1] ?? "";
    expect(next).toBe("/console/catalog?after=field-accreditation-solution-architect");
    const second = await (await getPage(t, next, admin.cookie)).text();
    expect(second).toContain("gitlab-certified-associate");
    expect(second).not.toContain("certified-trainer-gitlab-basics");
    const filtered = text(
      await (
        await getPage(
          t,
          `/console/catalog?q=SECURITY&program=${encodeURIComponent("GitLab Technical Certifications")}`,
          admin.cookie,
        )
      ).text(),
    );
    expect(filtered).toContain("GitLab Certified Security Specialist");
    expect(filtered).not.toContain("Security Essentials");
    expect(filtered).not.toContain("Next certifications");
  });

  it("re-renders the filter with the error next to the field for a bad program, an oversized text or a bad cursor", async () => {
    for (const [query, field] of [
      ["program=%3Cb%3ENope%3C%2Fb%3E", "program"],
      [`q=${"x".repeat(201)}`, "q"],
      ["after=%3Cscript%3E", "q"],
    ] as const) {
      const res = await getPage(t, `/console/catalog?${query}`, admin.cookie);
      expect(res.status, query).toBe(400);
      const html = await res.text();
      expect(html).toMatch(new RegExp(`id="field-${field}-error"`));
      expect(html).not.toContain("<b>Nope</b>");
      expect(html).not.toContain("<script>");
    }
  });

  it("shows a certification's artwork, criteria in plain words, validity and renewal policy, and its variants", async () => {
    const res = await getPage(t, "/console/catalog/field-product-certification-sales", admin.cookie);
    expect(res.status).toBe(200);
    const page = text(await res.text());
    expect(page).toContain("GitLab Product Certification for Sales Roles");
    expect(page).toContain("Renewal windows: fiscal Q1, Q3, 30 days each.");
    expect(page).toContain("Role-based product knowledge assessment for Sales Roles");
    expect(page).toMatch(/2 certifications come from field-product-certification\.yaml ?, one per variant/);
    expect(page).toContain("GitLab Product Certification for Solution Architects and Customer Success Managers");
    const single = text(await (await getPage(t, "/console/catalog/gitlab-certified-associate", admin.cookie)).text());
    expect(single).toContain("This certification has no variants");
    const missing = await getPage(t, "/console/catalog/nope", admin.cookie);
    expect(missing.status).toBe(404);
  });

  it("reloads changed definition files without a restart, audited, for the public pages too", async () => {
    // a person's page and the dashboard, viewed (and so kept) before the reload, name it by its name then
    await issueCredential(t.ctx, {
      achievementId: "gitlab-certified-associate",
      recipient: { email: "grace@example.org", name: "Grace Hopper" },
      actor: "test",
    });
    const people = await (await getPage(t, "/console/people?q=grace", admin.cookie)).text();
    const person = /href="(\/console\/people\/[^"]+)"/.exec(people)?.[1] as string;
    expect(text(await (await getPage(t, person, admin.cookie)).text())).not.toContain("(2027)");
    t.clock.advance(31_000); // past the counts the sign-in's dashboard made, so that they are counted with the credential
    const home = text(await (await getPage(t, "/console", admin.cookie)).text());
    expect(home).toContain("GitLab Certified Associate");
    expect(home).not.toContain("(2027)");
    // the credentials filter, read before the reload, offers the certification by its name then
    const listBefore = await (await getPage(t, "/console/credentials", admin.cookie)).text();
    expect(listBefore).toContain('value="gitlab-certified-associate">GitLab Certified Associate</option>');
    writeFileSync(
      associateFile(),
      readFileSync(ASSOCIATE, "utf8").replace(/^name: .*$/m, "name: GitLab Certified Associate (2027)"),
    );
    const before = t.ctx.catalog.get("gitlab-certified-associate")?.version;
    const res = await reload();
    expect(res.status).toBe(200);
    const page = text(await res.text());
    expect(page).toContain("The catalog has been reloaded on this node");
    expect(page).toContain("changed: gitlab-certified-associate");
    expect(page).toContain("added: none");
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.name).toBe("GitLab Certified Associate (2027)");
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.version).not.toBe(before);
    const publicPage = await t.app.request("/achievements/gitlab-certified-associate", {
      headers: { accept: "text/html" },
    });
    expect(await publicPage.text()).toContain("GitLab Certified Associate (2027)");
    // …and by its new name after (the filter's choices are kept per catalog, and a reload changes it in place)
    const listAfter = await (await getPage(t, "/console/credentials", admin.cookie)).text();
    expect(listAfter).toContain('value="gitlab-certified-associate">GitLab Certified Associate (2027)</option>');
    // the person's page and the dashboard too: what they kept was worked out with the catalog before the reload
    expect(text(await (await getPage(t, person, admin.cookie)).text())).toContain("GitLab Certified Associate (2027)");
    expect(text(await (await getPage(t, "/console", admin.cookie)).text())).toContain(
      "GitLab Certified Associate (2027)",
    );
    const audit = await listAuditEntries(t.ctx, { action: "catalog.reloaded", limit: 5 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]?.actor).toMatch(/^user:/);
    expect(audit.items[0]?.details).toMatchObject({ changed: ["gitlab-certified-associate"], count: 20 });
  });

  it("refuses a reload with an invalid file, naming the file and the field, and applies nothing", async () => {
    writeFileSync(
      associateFile(),
      readFileSync(ASSOCIATE, "utf8")
        .replace(/^name: .*$/m, "name: Renamed")
        .replace(/^level: .*$/m, "level: <b>gold</b>"),
    );
    const before = t.ctx.catalog.entries;
    const res = await reload();
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    const alert = text(html);
    expect(alert).toContain("nothing was applied");
    expect(alert).toMatch(/gitlab-certified-associate\.yaml : level: /);
    expect(html).not.toContain("<b>gold</b>");
    expect(t.ctx.catalog.entries).toBe(before);
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.name).toBe("GitLab Certified Associate");
    expect((await listAuditEntries(t.ctx, { action: "catalog.reloaded", limit: 5 })).items).toHaveLength(0);
  });

  it("lets an auditor read the catalog and refuses its reload with a 403 page, applying nothing", async () => {
    await createAccount(t, { email: "auditor@example.org", role: "auditor" });
    const auditor = await signIn(t, "auditor@example.org");
    const list = await getPage(t, "/console/catalog", auditor.cookie);
    expect(list.status).toBe(200);
    expect(await list.text()).not.toContain("Reload catalog");
    writeFileSync(associateFile(), readFileSync(ASSOCIATE, "utf8").replace(/^name: .*$/m, "name: Renamed"));
    const res = await reload(auditor);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("needs the &quot;catalog:reload&quot; permission");
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.name).toBe("GitLab Certified Associate");
    const noToken = await postForm(t, "/console/catalog/reload", {}, { cookie: admin.cookie });
    expect(noToken.status).toBe(403);
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.name).toBe("GitLab Certified Associate");
  });

  it("reloads through the API too (POST /admin/catalog/reload, the catalog:reload scope), on the node that answers", async () => {
    writeFileSync(associateFile(), readFileSync(ASSOCIATE, "utf8").replace(/^level: .*$/m, "level: gold"));
    const refused = await adminPost(t, "/admin/catalog/reload", {});
    expect(refused.status).toBe(400);
    const problem = await readProblem(refused);
    expect(problem.errors?.[0]?.path).toMatch(/gitlab-certified-associate\.yaml$/);
    expect(problem.errors?.[0]?.message).toContain("level:");
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.level).toBe("associate");

    writeFileSync(associateFile(), readFileSync(ASSOCIATE, "utf8").replace(/^name: .*$/m, "name: Renamed by the API"));
    const reader = await createApiKey(t.ctx, { name: "reader", scopes: ["credentials:read"], actor: "test" });
    expect((await adminPost(t, "/admin/catalog/reload", {}, reader.token)).status).toBe(403);
    const reloader = await createApiKey(t.ctx, { name: "deploy", scopes: ["catalog:reload"], actor: "test" });
    const res = await adminPost(t, "/admin/catalog/reload", {}, reloader.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      count: 20,
      added: [],
      changed: ["gitlab-certified-associate"],
      removed: [],
      node: t.ctx.nodeId,
    });
    expect(t.ctx.catalog.get("gitlab-certified-associate")?.name).toBe("Renamed by the API");
    const audit = await listAuditEntries(t.ctx, { action: "catalog.reloaded", limit: 5 });
    expect(audit.items[0]?.actor).toBe(`api-key:${reloader.id}`);
  });
});
