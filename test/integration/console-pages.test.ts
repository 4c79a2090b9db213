import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey, listApiKeys } from "../../src/services/api-keys.js";
import { listUsers } from "../../src/services/users.js";
import { createAccount, csrfOf, getPage, postForm, sessionCookieOf, signIn } from "../helpers/console.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

const TECH = "GitLab Technical Certifications";
const FIELD = "GitLab Field Product Certification";

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
beforeEach(async () => {
  t = await makeTestApp();
  await createAccount(t, { email: "admin@example.org", role: "admin" });
  admin = await signIn(t, "admin@example.org");
});
afterEach(async () => {
  await t.close();
});

/** Every console page and action a test walks, with the permission it needs. */
const PAGES = ["/console/api-keys", "/console/users", "/console/audit"];
const ACTIONS: [string, Record<string, string>][] = [
  ["/console/api-keys", { name: "k", scopes: "credentials:read" }],
  ["/console/api-keys/abc/revoke", {}],
  ["/console/users", { email: "n@example.org", name: "N", role: "auditor" }],
  ["/console/users/x/grants", { role: "auditor" }],
  ["/console/users/x/disable", {}],
];

describe("console access", () => {
  it("sends a visitor without a session to sign in (and back), and answers 401 to a form", async () => {
    for (const path of ["/console", ...PAGES, "/console/password"]) {
      const res = await getPage(t, path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe(`/console/sign-in?next=${encodeURIComponent(path)}`);
    }
    for (const [path, fields] of ACTIONS) {
      const res = await postForm(t, path, fields);
      expect(res.status, path).toBe(401);
      expect(await res.text()).toContain("Please sign in");
    }
    const back = await postForm(t, "/console/sign-in", {
      email: "admin@example.org",
      password: "a long enough test password",
      next: "/console/audit?action=user.signed-in",
    });
    expect(back.headers.get("location")).toBe("/console/audit?action=user.signed-in");
    const elsewhere = await postForm(t, "/console/sign-in", {
      email: "admin@example.org",
      password: "a long enough test password",
      next: "//evil.example/console",
    });
    expect(elsewhere.headers.get("location")).toBe("/console");
  });

  it("lets an auditor read every page and refuses each of its writes with a 403 page, changing nothing", async () => {
    await createAccount(t, { email: "auditor@example.org", role: "auditor" });
    const auditor = await signIn(t, "auditor@example.org");
    for (const path of PAGES) {
      const res = await getPage(t, path, auditor.cookie);
      expect(res.status, path).toBe(200);
      expect(await res.text()).not.toMatch(/Create (a key|an account)/);
    }
    const keysBefore = (await listApiKeys(t.ctx)).length;
    const usersBefore = (await listUsers(t.ctx)).length;
    for (const [path, fields] of ACTIONS) {
      const res = await postForm(t, path, { ...fields, _csrf: auditor.csrf }, { cookie: auditor.cookie });
      expect(res.status, path).toBe(403);
      expect(res.headers.get("content-type")).toContain("text/html");
      const html = await res.text();
      expect(html).toContain("You may not do this");
      expect(html).toMatch(/needs the &quot;(keys|users):manage&quot; permission/);
    }
    expect(await listApiKeys(t.ctx)).toHaveLength(keysBefore);
    expect(await listUsers(t.ctx)).toHaveLength(usersBefore);
  });

  it("shows a program manager and a grader only what their roles open, and a 403 page for the rest", async () => {
    await createAccount(t, { email: "pm@example.org", role: "program-manager", program: FIELD });
    await createAccount(t, { email: "grader@example.org", role: "grader", program: TECH, graderRole: "ps-engineer" });
    for (const email of ["pm@example.org", "grader@example.org"]) {
      const who = await signIn(t, email);
      const home = await (await getPage(t, "/console", who.cookie)).text();
      expect(home).not.toContain('href="/console/api-keys"');
      expect(home).not.toContain('href="/console/audit"');
      for (const path of PAGES) {
        const res = await getPage(t, path, who.cookie);
        expect(res.status, `${email} ${path}`).toBe(403);
      }
    }
    const grader = await signIn(t, "grader@example.org");
    expect(await (await getPage(t, "/console", grader.cookie)).text()).toContain(
      `Grader for ${TECH}, grading as ps-engineer`,
    );
  });

  it("takes a removed role and a disabled account into account on the very next request", async () => {
    const auditor = await createAccount(t, { email: "auditor@example.org", role: "auditor" });
    const session = await signIn(t, "auditor@example.org");
    expect((await getPage(t, "/console/audit", session.cookie)).status).toBe(200);
    const grantId = auditor.grants[0]?.id ?? "";
    const removed = await postForm(
      t,
      `/console/users/${auditor.id}/grants/${grantId}/revoke`,
      { _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(removed.status).toBe(303);
    expect((await getPage(t, "/console/audit", session.cookie)).status).toBe(403);
    const disabled = await postForm(
      t,
      `/console/users/${auditor.id}/disable`,
      { _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(disabled.status).toBe(303);
    expect((await getPage(t, "/console", session.cookie)).status).toBe(303);
    const again = await postForm(t, "/console/sign-in", {
      email: "auditor@example.org",
      password: "a long enough test password",
    });
    expect(again.status).toBe(401);
  });
});

describe("the API keys page", () => {
  it("creates a key, shows its token once, lists it without the token, and revokes it", async () => {
    const created = await postForm(
      t,
      "/console/api-keys",
      { name: "lab grader", scopes: ["evidence:write", "evidence:read"], graderRole: "ps-engineer", _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(created.status).toBe(200);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const token = /lrl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(await created.text())?.[0] ?? "";
    expect(token).not.toBe("");
    const works = await t.app.request("/admin/evidence?email=x@example.org", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(works.status).not.toBe(401);
    const list = await (await getPage(t, "/console/api-keys", admin.cookie)).text();
    expect(list).toContain("evidence:write, evidence:read");
    expect(list).toContain("grades as ps-engineer");
    expect(list).not.toContain(token.slice(18));
    const id = token.split("_")[1] ?? "";
    const revoked = await postForm(
      t,
      `/console/api-keys/${id}/revoke`,
      { _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(revoked.status).toBe(303);
    expect(await (await getPage(t, revoked.headers.get("location") ?? "", admin.cookie)).text()).toContain(
      "The key has been revoked",
    );
    const refused = await t.app.request("/admin/audit", { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    const twice = await postForm(t, `/console/api-keys/${id}/revoke`, { _csrf: admin.csrf }, { cookie: admin.cookie });
    expect(twice.status).toBe(404);
  });

  it.each([
    [{ name: "", scopes: "admin" }, "name", "must not be empty"],
    [{ name: "x".repeat(101), scopes: "admin" }, "name", "must be at most 100 characters"],
    [{ name: "ok" }, "scopes", "choose at least one scope"],
    [{ name: "ok", scopes: "root" }, "scopes", "unknown scope(s): root"],
    [{ name: "ok", scopes: "admin", graderRole: "<b>PS</b>" }, "graderRole", "must be a role code"],
  ])("re-renders the form with the error next to the field for %j, storing nothing", async (fields, field, message) => {
    const before = (await listApiKeys(t.ctx)).length;
    const res = await postForm(t, "/console/api-keys", { ...fields, _csrf: admin.csrf }, { cookie: admin.cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`id="field-${field}-error">[^<]*${message.replace(/[()]/g, "\\$&")}`));
    expect(html).not.toContain("<b>PS</b>");
    expect(await listApiKeys(t.ctx)).toHaveLength(before);
  });
});

describe("the users page", () => {
  it("creates a grader for one program with a one-time password, who must choose a new one first", async () => {
    const res = await postForm(
      t,
      "/console/users",
      {
        email: "Grader@Example.org",
        name: "Grace Grader",
        role: "grader",
        program: TECH,
        graderRole: "ps-engineer",
        _csrf: admin.csrf,
      },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = /data-password[^>]*>([^<]+)</.exec(html)?.[1] ?? "";
    expect(password).toHaveLength(24);
    expect(html).toContain(`Grader for ${TECH}, grading as ps-engineer`);

    const signedIn = await postForm(t, "/console/sign-in", { email: "grader@example.org", password });
    expect(signedIn.headers.get("location")).toBe("/console/password");
    const cookie = sessionCookieOf(signedIn);
    expect((await getPage(t, "/console", cookie)).headers.get("location")).toBe("/console/password");
    const page = await getPage(t, "/console/password", cookie);
    const csrf = csrfOf(await page.text());
    const mismatch = await postForm(
      t,
      "/console/password",
      { current: password, next: "my own good passphrase", confirm: "my own good passphrase!", _csrf: csrf },
      { cookie },
    );
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('id="field-confirm-error"');
    const short = await postForm(
      t,
      "/console/password",
      { current: password, next: "short", confirm: "short", _csrf: csrf },
      { cookie },
    );
    expect(await short.text()).toMatch(/id="field-next-error">must be at least 12 characters/);
    const changed = await postForm(
      t,
      "/console/password",
      { current: password, next: "my own good passphrase", confirm: "my own good passphrase", _csrf: csrf },
      { cookie },
    );
    expect(changed.headers.get("location")).toBe("/console");
    expect((await getPage(t, "/console", cookie)).status).toBe(200);
    expect((await postForm(t, "/console/sign-in", { email: "grader@example.org", password })).status).toBe(401);
  });

  it.each([
    [{ email: "", name: "N", role: "auditor" }, "email", "must be a valid email address"],
    [{ email: "admin@example.org", name: "N", role: "auditor" }, "email", "an account with this email exists already"],
    [{ email: "n@example.org", name: "", role: "auditor" }, "name", "must not be empty"],
    [{ email: "n@example.org", name: "N", role: "owner" }, "role", "must be one of"],
    [
      { email: "n@example.org", name: "N", role: "auditor", program: TECH },
      "program",
      "the auditor role covers every program",
    ],
    [
      { email: "n@example.org", name: "N", role: "grader", program: "<img src=x>" },
      "program",
      "is not a program of the catalog",
    ],
    [
      { email: "n@example.org", name: "N", role: "auditor", graderRole: "ps-engineer" },
      "graderRole",
      "only a grader grades as a role",
    ],
  ])("re-renders the form with the error next to the field for %j, storing nothing", async (fields, field, message) => {
    const res = await postForm(t, "/console/users", { ...fields, _csrf: admin.csrf }, { cookie: admin.cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`id="field-${field}-error">${message}`));
    expect(html).not.toContain("<img src=x>");
    expect((await listUsers(t.ctx)).map((u) => u.email)).toEqual(["admin@example.org"]);
  });

  it("gives and removes roles per program, and refuses a grant the account holds", async () => {
    const pm = await createAccount(t, { email: "pm@example.org", role: "program-manager", program: FIELD });
    const path = `/console/users/${pm.id}/grants`;
    const added = await postForm(
      t,
      path,
      { role: "program-manager", program: TECH, _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(added.status).toBe(303);
    const page = await (await getPage(t, `/console/users/${pm.id}?done=granted`, admin.cookie)).text();
    expect(page).toContain(`Program manager for ${TECH}`);
    expect(page).toContain(`Program manager for ${FIELD}`);
    expect(page).toContain("The role has been given.");
    const twice = await postForm(
      t,
      path,
      { role: "program-manager", program: TECH, _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain("the account holds this grant already");
    expect((await getPage(t, "/console/users/nobody", admin.cookie)).status).toBe(404);
  });
});

describe("the audit page", () => {
  it("pages through the log newest first by keyset, keeping the filter", async () => {
    // 60 more entries cheaply (no password hashing), after the test app's own key: 61 in all
    for (let i = 0; i < 60; i++) {
      await createApiKey(t.ctx, { name: `key ${i}`, scopes: ["credentials:read"], actor: "test" });
    }
    const first = await getPage(t, "/console/audit?action=api-key.created", admin.cookie);
    const html = await first.text();
    expect(html.match(/<tr>/g)?.length).toBe(51); // header + 50 entries
    const older = /href="(\/console\/audit\?action=api-key.created&amp;before=\d+)"/.exec(html)?.[1];
    expect(older).toBeDefined();
    const second = await (await getPage(t, (older ?? "").replaceAll("&amp;", "&"), admin.cookie)).text();
    expect(second.match(/<tr>/g)?.length).toBe(12); // header + the 11 oldest
    expect(second).toContain("test admin");
    expect(second).not.toContain("key 59");
    expect(second).not.toContain("Older entries");
    expect(second).toContain("Newest entries");
    const bad = await getPage(t, "/console/audit?before=-3", admin.cookie);
    expect(bad.status).toBe(400);
  });
});
