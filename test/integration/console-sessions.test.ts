import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSession } from "../../src/services/sessions.js";
import { createUser } from "../../src/services/users.js";
import {
  createAccount,
  csrfOf,
  getPage,
  postForm,
  sessionCookieOf,
  signIn,
  TEST_PASSWORD,
} from "../helpers/console.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await createAccount(t, { email: "admin@example.org", role: "admin" });
});
afterEach(async () => {
  await t.close();
});

async function auditActions(): Promise<string[]> {
  const res = await t.app.request("/admin/audit?limit=500", { headers: { authorization: `Bearer ${t.adminToken}` } });
  const body = (await res.json()) as { items: { action: string; details: Record<string, unknown> }[] };
  return body.items.map((item) => item.action);
}

describe("console sign-in", () => {
  it("sets an HttpOnly, SameSite=Lax, Secure session cookie on /console and lands on the overview", async () => {
    const res = await postForm(t, "/console/sign-in", { email: "ADMIN@example.org", password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console");
    const cookie = res.headers.getSetCookie().find((line) => line.startsWith("laurel_session=")) ?? "";
    expect(cookie).toMatch(/; Path=\/console/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    const page = await getPage(t, "/console", sessionCookieOf(res));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("Administrator for every program");
    expect(await auditActions()).toContain("user.signed-in");
  });

  it("finds the session cookie among the browser's other cookies, and clears one that opens no session", async () => {
    const secret = sessionCookieOf(
      await postForm(t, "/console/sign-in", { email: "admin@example.org", password: TEST_PASSWORD }),
    );
    const among = await t.app.request("/console", {
      headers: { cookie: `theme=dark; laurel_session_x=1;  laurel_session=${secret} ; laurel_session=other` },
    });
    expect(among.status).toBe(200);
    expect(await among.text()).toContain("Administrator for every program");
    for (const cookie of [`laurel_session=${secret}x`, `laurel_session="${secret}"`, "laurel_session=", "other=1"]) {
      const res = await t.app.request("/console", { headers: { cookie } });
      expect(res.status, cookie).toBe(303);
      expect(res.headers.get("location")).toBe("/console/sign-in?next=%2Fconsole");
    }
  });

  it("refuses a wrong password and an unknown email alike, audited without the password", async () => {
    const wrong = await postForm(t, "/console/sign-in", { email: "admin@example.org", password: "not the password!" });
    const unknown = await postForm(t, "/console/sign-in", { email: "nobody@example.org", password: "whatever it is" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toContain("The email or the password is wrong");
    expect(b).toContain("The email or the password is wrong");
    expect(sessionCookieOf(wrong)).toBeUndefined();
    const res = await t.app.request("/admin/audit?action=user.sign-in-failed", {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    const text = await res.text();
    expect(text).toContain("wrong-password");
    expect(text).toContain("unknown-account");
    expect(text).not.toContain("not the password!");
  });

  it("re-renders the form with the error next to an empty field, markup inert", async () => {
    const res = await postForm(t, "/console/sign-in", { email: "<script>alert(1)</script>", password: "" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="field-password-error"');
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;");
  });

  it("throttles per account after 5 failures: even the right password is refused (429) until the window ends", async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (await postForm(t, "/console/sign-in", { email: "admin@example.org", password: `wrong ${i} xxxxxx` })).status,
      ).toBe(401);
    }
    const blocked = await postForm(t, "/console/sign-in", { email: "admin@example.org", password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain("Too many failed sign-ins");
    expect(await auditActions()).toContain("user.sign-in-throttled");
    t.clock.advance(15 * 60_000);
    expect(
      (await postForm(t, "/console/sign-in", { email: "admin@example.org", password: TEST_PASSWORD })).status,
    ).toBe(303);
  });

  it("throttles per address after 20 failures, whatever the account", async () => {
    for (let i = 0; i < 20; i++) {
      await postForm(t, "/console/sign-in", { email: `someone${i}@example.org`, password: "wrong password" });
    }
    const blocked = await postForm(t, "/console/sign-in", { email: "admin@example.org", password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
  });

  it("gives a new session id at every sign-in and ends the one the browser still carried", async () => {
    const first = await signIn(t, "admin@example.org");
    const again = await postForm(
      t,
      "/console/sign-in",
      { email: "admin@example.org", password: TEST_PASSWORD },
      { cookie: first.cookie },
    );
    const second = sessionCookieOf(again);
    expect(second).toBeDefined();
    expect(second).not.toBe(first.cookie);
    expect((await getPage(t, "/console", first.cookie)).status).toBe(303);
    expect((await getPage(t, "/console", second)).status).toBe(200);
  });
});

describe("console sessions expire", () => {
  it("after 30 minutes unused (idle), but not while used", async () => {
    const { cookie } = await signIn(t, "admin@example.org");
    for (let i = 0; i < 4; i++) {
      t.clock.advance(20 * 60_000);
      expect((await getPage(t, "/console", cookie)).status).toBe(200);
    }
    t.clock.advance(30 * 60_000);
    const ended = await getPage(t, "/console", cookie);
    expect(ended.status).toBe(303);
    expect(ended.headers.get("location")).toBe("/console/sign-in?next=%2Fconsole");
    expect(ended.headers.getSetCookie().join()).toMatch(/laurel_session=;/);
  });

  it("12 hours after sign-in (absolute), however much it is used", async () => {
    const { cookie } = await signIn(t, "admin@example.org");
    for (let i = 0; i < 24; i++) {
      t.clock.advance(29 * 60_000);
      expect((await getPage(t, "/console", cookie)).status).toBe(200);
    }
    t.clock.advance(30 * 60_000);
    expect((await getPage(t, "/console", cookie)).status).toBe(303);
  });

  it("at the idle time the configuration sets", async () => {
    await t.close();
    t = await makeTestApp({ env: { LAUREL_SESSION_IDLE_MINUTES: "5" } });
    await createAccount(t, { email: "admin@example.org", role: "admin" });
    const { cookie } = await signIn(t, "admin@example.org");
    t.clock.advance(5 * 60_000);
    expect((await getPage(t, "/console", cookie)).status).toBe(303);
  });
});

describe("signing out", () => {
  it("ends this session only", async () => {
    const laptop = await signIn(t, "admin@example.org");
    const phone = await signIn(t, "admin@example.org");
    const out = await postForm(t, "/console/sign-out", { _csrf: laptop.csrf }, { cookie: laptop.cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/console/sign-in?done=signed-out");
    expect((await getPage(t, "/console", laptop.cookie)).status).toBe(303);
    expect((await getPage(t, "/console", phone.cookie)).status).toBe(200);
    expect(await auditActions()).toContain("user.signed-out");
  });

  it("everywhere ends every session of the account", async () => {
    const laptop = await signIn(t, "admin@example.org");
    const phone = await signIn(t, "admin@example.org");
    const out = await postForm(t, "/console/sign-out-everywhere", { _csrf: phone.csrf }, { cookie: phone.cookie });
    expect(out.status).toBe(303);
    expect((await getPage(t, "/console", laptop.cookie)).status).toBe(303);
    expect((await getPage(t, "/console", phone.cookie)).status).toBe(303);
    expect(await auditActions()).toContain("user.signed-out-everywhere");
  });
});

describe("what every request reads of the account", () => {
  it("a disabled account opens nothing at once, even with its sessions still stored", async () => {
    const { cookie } = await signIn(t, "admin@example.org");
    const { users } = t.ctx.store.conn().t;
    // as a write on another node would leave it: the flag set, the session rows not (yet) deleted
    await t.ctx.store.tx(async (tx) => {
      await tx.update(users).set({ disabledAt: t.ctx.clock() }).where(eq(users.email, "admin@example.org"));
    });
    const res = await getPage(t, "/console", cookie);
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().join()).toMatch(/laurel_session=;/);
  });

  it("the account's grants oldest first, then by id, and a grant given or taken on another node seen at once", async () => {
    const { cookie } = await signIn(t, "admin@example.org");
    const { users, userGrants } = t.ctx.store.conn().t;
    const [admin] = await t.ctx.store.conn().select().from(users).where(eq(users.email, "admin@example.org"));
    const userId = admin?.id as string;
    const program = t.ctx.catalog.entries[0]?.program as string;
    const at = (ms: number) => new Date(t.ctx.clock().getTime() + ms);
    // ids against time order, and two at the same time: the order is (created, id), not the rows' or the ids'
    await t.ctx.store.tx(async (tx) => {
      await tx.insert(userGrants).values([
        { id: "g-3", userId, role: "grader", program, graderRole: "second", createdAt: at(2000) },
        { id: "g-2", userId, role: "grader", program, graderRole: "first", createdAt: at(1000) },
        { id: "g-1", userId, role: "auditor", program: null, graderRole: null, createdAt: at(2000) },
      ]);
    });
    const roles = async () => {
      const html = await (await getPage(t, "/console", cookie)).text();
      return [...html.matchAll(/<li><strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    };
    expect(await roles()).toEqual([
      "Administrator for every program",
      `Grader for ${program}, grading as first`,
      "Auditor for every program",
      `Grader for ${program}, grading as second`,
    ]);
    await t.ctx.store.tx((tx) => tx.delete(userGrants).where(eq(userGrants.id, "g-1")));
    expect(await roles()).toEqual([
      "Administrator for every program",
      `Grader for ${program}, grading as first`,
      `Grader for ${program}, grading as second`,
    ]);
  });

  it("an account without a password (single sign-on) is told so, and has no password to change", async () => {
    const { user } = await createUser(t.ctx, {
      email: "sso@example.org",
      name: "Sso",
      grants: [{ role: "auditor", program: null, graderRole: null }],
      password: { none: true },
      actor: "test",
    });
    const secret = await t.ctx.store.tx((tx) => openSession(t.ctx, tx, user.id, "sso", t.ctx.clock()));
    const page = await getPage(t, "/console", secret);
    expect(await page.text()).toContain("Signed in through single sign-on");
    const csrf = csrfOf(await (await getPage(t, "/console/password", secret)).text());
    const res = await postForm(
      t,
      "/console/password",
      { _csrf: csrf, current: "x", next: "a long enough new password", confirm: "a long enough new password" },
      { cookie: secret },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("this account signs in through single sign-on and has no password");
  });
});

describe("CSRF protection", () => {
  it("refuses a form without the session's token, or with another session's, changing nothing", async () => {
    const admin = await signIn(t, "admin@example.org");
    const other = await signIn(t, "admin@example.org");
    const fields = { name: "csrf probe", scopes: "credentials:read" };
    for (const token of [undefined, "", other.csrf, `${admin.csrf}x`]) {
      const res = await postForm(t, "/console/api-keys", token === undefined ? fields : { ...fields, _csrf: token }, {
        cookie: admin.cookie,
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("nothing was changed");
    }
    const ok = await postForm(t, "/console/api-keys", { ...fields, _csrf: admin.csrf }, { cookie: admin.cookie });
    expect(ok.status).toBe(200);
    const keys = await t.app.request("/console/api-keys", { headers: { cookie: `laurel_session=${admin.cookie}` } });
    expect((await keys.text()).match(/<td>csrf probe<\/td>/g)).toHaveLength(1);
  });

  it("refuses a form posted from another site (Origin or Sec-Fetch-Site), even with the right token", async () => {
    const admin = await signIn(t, "admin@example.org");
    const fields = { name: "cross-site", scopes: "credentials:read", _csrf: admin.csrf };
    const fromElsewhere = await postForm(t, "/console/api-keys", fields, {
      cookie: admin.cookie,
      headers: { origin: "https://evil.example" },
    });
    expect(fromElsewhere.status).toBe(403);
    const crossSite = await postForm(t, "/console/api-keys", fields, {
      cookie: admin.cookie,
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    const opaque = await postForm(t, "/console/api-keys", fields, {
      cookie: admin.cookie,
      headers: { origin: "null", "sec-fetch-site": "cross-site" },
    });
    expect(opaque.status).toBe(403);
    const opaqueNoFetchSite = await t.app.request("/console/api-keys", {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "null",
        cookie: `laurel_session=${admin.cookie}`,
      },
    });
    expect(opaqueNoFetchSite.status).toBe(403);
    const signInElsewhere = await postForm(
      t,
      "/console/sign-in",
      { email: "admin@example.org", password: TEST_PASSWORD },
      { headers: { origin: "https://evil.example" } },
    );
    expect(signInElsewhere.status).toBe(403);
    expect(sessionCookieOf(signInElsewhere)).toBeUndefined();
    const page = await getPage(t, "/console/api-keys", admin.cookie);
    expect(await page.text()).not.toContain("cross-site");
  });

  it("every form of a console page carries the token", async () => {
    const admin = await signIn(t, "admin@example.org");
    for (const path of ["/console", "/console/api-keys", "/console/users", "/console/password"]) {
      const html = await (await getPage(t, path, admin.cookie)).text();
      const posts = html.match(/<form method="post"[^>]*>/g) ?? [];
      const tokens = html.match(/name="_csrf" value="[^"]+"/g) ?? [];
      expect(posts.length).toBeGreaterThan(0);
      expect(tokens).toHaveLength(posts.length);
      expect(csrfOf(html)).toBe(admin.csrf);
    }
  });
});
