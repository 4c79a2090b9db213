import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { getCredential } from "../../src/services/read-credentials.js";
import { createAccount, getPage, postForm, signIn } from "../helpers/console.js";
import { makeSuspendable } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

const FIELD = "GitLab Field Product Certification";
const TECH_CERT = "gitlab-certified-associate";
const FIELD_CERT = "field-product-certification-sales";

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

async function issue(achievementId: string, email: string, name = "Ada Lovelace") {
  const view = await issueCredential(t.ctx, { achievementId, recipient: { email, name }, actor: "test" });
  t.clock.advance(1000);
  return view;
}

/** A program manager of the field programs, signed in. */
async function fieldManager() {
  await createAccount(t, { email: "pm@example.org", role: "program-manager", program: FIELD });
  return signIn(t, "pm@example.org");
}

/** The credential ids a list page links to, in order. */
function listedIds(html: string): string[] {
  return [...html.matchAll(/href="\/console\/credentials\/([0-9a-f-]{36})"/g)].map((m) => m[1] as string);
}

describe("console credentials list", () => {
  it("shows a program manager only its programs' credentials, and filters by certification, state and recipient", async () => {
    expect(t.ctx.catalog.get(FIELD_CERT)?.program).toBe(FIELD);
    const tech = await issue(TECH_CERT, "tech@example.org");
    const field1 = await issue(FIELD_CERT, "field1@example.org");
    const field2 = await issue(FIELD_CERT, "field2@example.org");
    const pm = await fieldManager();

    const mine = await getPage(t, "/console/credentials", pm.cookie);
    expect(mine.status).toBe(200);
    const html = await mine.text();
    expect(listedIds(html)).toEqual([field2.id, field1.id]);
    expect(html).not.toContain("tech@example.org");
    // the certification filter offers only its programs' certifications
    expect(html).toContain(`value="${FIELD_CERT}"`);
    expect(html).not.toContain(`value="${TECH_CERT}"`);
    // another program's certification in the filter: refused next to the field, nothing listed
    const other = await getPage(t, `/console/credentials?achievementId=${TECH_CERT}`, pm.cookie);
    expect(other.status).toBe(400);
    const otherHtml = await other.text();
    expect(otherHtml).toMatch(/id="field-achievementId-error">is not a certification whose credentials you may read/);
    expect(listedIds(otherHtml)).toEqual([]);

    const all = await getPage(t, "/console/credentials", admin.cookie);
    const allHtml = await all.text();
    expect(listedIds(allHtml)).toEqual([field2.id, field1.id, tech.id]);
    // every row names its own certification (the page's names are read in one statement)
    for (const [id, cert] of [
      [field2.id, FIELD_CERT],
      [tech.id, TECH_CERT],
    ] as const) {
      const row = allHtml.slice(allHtml.indexOf(id), allHtml.indexOf("</tr>", allHtml.indexOf(id)));
      expect(row).toContain(t.ctx.catalog.get(cert)?.name as string);
    }
    const byCert = await getPage(t, `/console/credentials?achievementId=${TECH_CERT}`, admin.cookie);
    expect(listedIds(await byCert.text())).toEqual([tech.id]);
    const byEmail = await getPage(t, "/console/credentials?email=%20Field1%40Example.org%20", admin.cookie);
    expect(listedIds(await byEmail.text())).toEqual([field1.id]);

    await postForm(
      t,
      `/console/credentials/${field1.id}/revoke`,
      { reason: "Issued in error", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    const revoked = await getPage(t, "/console/credentials?state=revoked", pm.cookie);
    expect(listedIds(await revoked.text())).toEqual([field1.id]);
    const active = await getPage(t, "/console/credentials?state=active", admin.cookie);
    expect(listedIds(await active.text())).toEqual([field2.id, tech.id]);
    // a field certification expires (6 months, to the renewal window): afterwards it is expired, no longer active
    const until = (await getCredential(t.ctx, field2.id)).validUntil;
    expect(until).not.toBeNull();
    t.clock.set(new Date(Date.parse(until as string) + 1000));
    admin = await signIn(t, "admin@example.org"); // the earlier session has expired by then
    const expired = await getPage(t, "/console/credentials?state=expired", admin.cookie);
    expect(listedIds(await expired.text())).toEqual([field2.id]);
    const activeLater = await getPage(t, "/console/credentials?state=active", admin.cookie);
    expect(listedIds(await activeLater.text())).toEqual([tech.id]);
    // each row says its state: unfiltered, from its lifecycle and expiry; filtered by a state, that state
    const rowOf = (html: string, id: string) => html.slice(html.indexOf(id), html.indexOf("</tr>", html.indexOf(id)));
    const everything = await (await getPage(t, "/console/credentials", admin.cookie)).text();
    expect(rowOf(everything, field1.id)).toContain("<td>Revoked</td>");
    expect(rowOf(everything, field2.id)).toContain("<td>Expired</td>");
    expect(rowOf(everything, tech.id)).toContain("<td>Active</td>");
    const expiredAgain = await (await getPage(t, "/console/credentials?state=expired", admin.cookie)).text();
    expect(rowOf(expiredAgain, field2.id)).toContain("<td>Expired</td>");
    const revokedAgain = await (await getPage(t, "/console/credentials?state=revoked", admin.cookie)).text();
    expect(rowOf(revokedAgain, field1.id)).toContain("<td>Revoked</td>");
  });

  it("pages by keyset cursor, 50 to a page, newest first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) {
      ids.push((await issue(FIELD_CERT, `p${i}@example.org`)).id);
    }
    const first = await (await getPage(t, "/console/credentials", admin.cookie)).text();
    expect(listedIds(first)).toEqual(ids.slice(2).reverse());
    const older = /href="(\/console\/credentials\?cursor=[^"]+)">Older credentials/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await (await getPage(t, (older as string).replaceAll("&amp;", "&"), admin.cookie)).text();
    expect(listedIds(second)).toEqual([ids[1], ids[0]]);
    expect(second).not.toContain("Older credentials");
    expect(second).toContain("Newest credentials");
  });

  it("pages a list filtered by one certification, and a program manager's merged list, by the same cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) {
      ids.push((await issue(FIELD_CERT, `f${i}@example.org`)).id);
      if (i % 10 === 0) {
        await issue(TECH_CERT, `t${i}@example.org`);
      }
    }
    const pm = await fieldManager();
    // the admin's list of one certification (one statement, its rows as read) and the field manager's list (one
    // statement per certification of its programs, merged): the same pages
    for (const [path, cookie] of [
      [`/console/credentials?achievementId=${FIELD_CERT}`, admin.cookie],
      ["/console/credentials", pm.cookie],
    ] as const) {
      const first = await (await getPage(t, path, cookie)).text();
      expect(listedIds(first)).toEqual(ids.slice(2).reverse());
      const older = /href="(\/console\/credentials\?[^"]*cursor=[^"]+)">Older credentials/.exec(first)?.[1];
      expect(older).toBeDefined();
      const second = await (await getPage(t, (older as string).replaceAll("&amp;", "&"), cookie)).text();
      expect(listedIds(second)).toEqual([ids[1], ids[0]]);
      expect(second).not.toContain("Older credentials");
    }
  });

  it("stores each credential's recipient email with it, and lists one stored without it by its recipient's", async () => {
    const kept = await issue(TECH_CERT, "Kept@Example.org", "Kept Person");
    const older = await issue(TECH_CERT, "older@example.org", "Older Person");
    const { credentials } = t.store.conn().t;
    const stored = await t.store
      .conn()
      .select({ id: credentials.id, email: credentials.recipientEmail })
      .from(credentials)
      .orderBy(credentials.createdAt);
    expect(stored).toEqual([
      { id: kept.id, email: "kept@example.org" },
      { id: older.id, email: "older@example.org" },
    ]);
    // as a row stored before the column existed (the migration fills those; the list must not depend on it)
    await t.store.tx((tx) => tx.update(credentials).set({ recipientEmail: null }).where(eq(credentials.id, older.id)));
    for (const path of [
      "/console/credentials",
      `/console/credentials?achievementId=${TECH_CERT}&state=active`,
      "/console/credentials?email=older%40example.org",
    ]) {
      const html = await (await getPage(t, path, admin.cookie)).text();
      const row = html.slice(html.indexOf(older.id), html.indexOf("</tr>", html.indexOf(older.id)));
      expect(row, path).toContain("older@example.org");
    }
    const byEmail = await (await getPage(t, "/console/credentials?email=kept%40example.org", admin.cookie)).text();
    expect(listedIds(byEmail)).toEqual([kept.id]);
  });

  it("re-renders bad filters with the message next to the field, markup inert", async () => {
    const res = await getPage(
      t,
      `/console/credentials?state=gone&email=${encodeURIComponent("<script>alert(1)</script>")}`,
      admin.cookie,
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="field-state-error">must be one of active, revoked, suspended, expired/);
    expect(html).toMatch(/id="field-email-error">must be a valid email address/);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const badCursor = await getPage(t, "/console/credentials?cursor=not-a-cursor", admin.cookie);
    expect(badCursor.status).toBe(400);
    expect(await badCursor.text()).toContain("the page link is not valid: filter again");
  });

  it("refuses a grader the credentials pages (403), and offers the section only to readers", async () => {
    await createAccount(t, {
      email: "grader@example.org",
      role: "grader",
      program: "GitLab Technical Certifications",
      graderRole: "ps-engineer",
    });
    const grader = await signIn(t, "grader@example.org");
    const res = await getPage(t, "/console/credentials", grader.cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("credentials:read");
    const home = await (await getPage(t, "/console", grader.cookie)).text();
    expect(home).not.toContain('href="/console/credentials"');
    const adminHome = await (await getPage(t, "/console", admin.cookie)).text();
    expect(adminHome).toContain('href="/console/credentials"');
  });
});

describe("console credential detail and lifecycle", () => {
  it("shows a credential with its history and deliveries, and revokes it with a public reason", async () => {
    const field = await issue(FIELD_CERT, "field@example.org");
    await runDelivery(t.ctx, deliveryChannels(t.ctx));
    const pm = await fieldManager();
    const page = await getPage(t, `/console/credentials/${field.id}`, pm.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("field@example.org");
    expect(html).toContain(`href="${field.links.page}"`);
    expect(html).toContain("credential.issued");
    // the award e-mail owed to the recipient (the deliveries service)
    expect(html).toMatch(/email · award/);
    expect(html).toContain('id="field-revoke-reason"');
    expect(html).not.toContain('id="field-suspend-reason"'); // not suspendable

    const res = await postForm(
      t,
      `/console/credentials/${field.id}/revoke`,
      { reason: "Exam misconduct confirmed", reasonPublic: "1", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/console/credentials/${field.id}?done=revoked`);
    const after = await getCredential(t.ctx, field.id);
    expect(after.status.revocation).toMatchObject({ reason: "Exam misconduct confirmed", reasonPublic: true });
    const shown = await (await getPage(t, res.headers.get("location") as string, pm.cookie)).text();
    expect(shown).toContain("The credential has been revoked.");
    expect(shown).toContain("credential.revoked");
    expect(shown).not.toContain('id="field-revoke-reason"');
    // the public page says so
    const publicPage = await (
      await t.app.request(`/credentials/${field.id}`, { headers: { accept: "text/html" } })
    ).text();
    expect(publicPage).toContain("Exam misconduct confirmed");
    // again: a 409 page with the API's wording, nothing changed
    const again = await postForm(
      t,
      `/console/credentials/${field.id}/revoke`,
      { reason: "twice", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("is already revoked: revocation is final");
  });

  it("keeps a program manager of one program out of another program's credentials: no reading, no change", async () => {
    const tech = await issue(TECH_CERT, "tech@example.org");
    const pm = await fieldManager();
    const page = await getPage(t, `/console/credentials/${tech.id}`, pm.cookie);
    expect(page.status).toBe(403);
    expect(await page.text()).not.toContain("tech@example.org");
    const auditBefore = await countRows(t.store, "audit_log");
    for (const action of ["revoke", "suspend", "reinstate", "reissue"]) {
      const res = await postForm(
        t,
        `/console/credentials/${tech.id}/${action}`,
        { reason: "not mine", name: "Someone Else", _csrf: pm.csrf },
        { cookie: pm.cookie },
      );
      expect(res.status, action).toBe(403);
      expect(await res.text()).toContain("You may not do this");
    }
    const after = await getCredential(t.ctx, tech.id);
    expect(after.status.state).toBe("active");
    expect(after.status.supersededBy).toBeNull();
    expect(await countRows(t.store, "audit_log")).toBe(auditBefore);
  });

  it("re-renders a refused action with the error next to its field and changes nothing", async () => {
    const field = await issue(FIELD_CERT, "field@example.org");
    const pm = await fieldManager();
    const empty = await postForm(
      t,
      `/console/credentials/${field.id}/revoke`,
      { reason: "   ", reasonPublic: "1", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toMatch(/id="field-revoke-reason-error">is required: say why/);
    expect(html).toContain('aria-invalid="true"');
    const long = await postForm(
      t,
      `/console/credentials/${field.id}/revoke`,
      { reason: "x".repeat(501), _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(long.status).toBe(400);
    // the API's wording for a reason it refuses (RevokeRequestSchema)
    expect(await long.text()).toMatch(/id="field-revoke-reason-error">is required: say why/);
    const noCorrection = await postForm(
      t,
      `/console/credentials/${field.id}/reissue`,
      { reason: "typo", name: "", email: "", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(noCorrection.status).toBe(400);
    expect(await noCorrection.text()).toMatch(/id="field-reissue-name-error">give the corrected name, email or both/);
    const badEmail = await postForm(
      t,
      `/console/credentials/${field.id}/reissue`,
      { reason: "typo", email: "<b>not an email</b>", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(badEmail.status).toBe(400);
    const badHtml = await badEmail.text();
    expect(badHtml).toMatch(/id="field-reissue-email-error">must be a valid email address/);
    expect(badHtml).toContain('value="&lt;b&gt;not an email&lt;/b&gt;"');
    // not suspendable: 409 with the API's wording at the top of the page
    const suspend = await postForm(
      t,
      `/console/credentials/${field.id}/suspend`,
      { reason: "check", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(suspend.status).toBe(409);
    expect(await suspend.text()).toContain("Nothing was changed");
    const after = await getCredential(t.ctx, field.id);
    expect(after.status.state).toBe("active");
    expect(after.status.supersededBy).toBeNull();
    expect(await countRows(t.store, "credentials")).toBe(1);
    // an unknown or malformed id: the not-found page
    expect((await getPage(t, "/console/credentials/not-an-id", pm.cookie)).status).toBe(404);
    expect((await getPage(t, `/console/credentials/${crypto.randomUUID()}`, pm.cookie)).status).toBe(404);
  });

  it("suspends, reinstates and reissues through the lifecycle services", async () => {
    makeSuspendable(t, FIELD_CERT);
    const field = await issue(FIELD_CERT, "field@example.org", "Ada Lovelase");
    const pm = await fieldManager();
    const before = await (await getPage(t, `/console/credentials/${field.id}`, pm.cookie)).text();
    expect(before).toContain('id="field-suspend-reason"');
    const suspended = await postForm(
      t,
      `/console/credentials/${field.id}/suspend`,
      { reason: "Under review", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(suspended.status).toBe(303);
    expect((await getCredential(t.ctx, field.id)).status.suspension).toMatchObject({
      reason: "Under review",
      reasonPublic: false,
    });
    const suspendedPage = await (await getPage(t, `/console/credentials/${field.id}`, pm.cookie)).text();
    expect(suspendedPage).toContain('id="field-reinstate-reason"');
    const reinstated = await postForm(
      t,
      `/console/credentials/${field.id}/reinstate`,
      { reason: "Review cleared", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(reinstated.status).toBe(303);
    expect((await getCredential(t.ctx, field.id)).status.state).toBe("active");
    const reissued = await postForm(
      t,
      `/console/credentials/${field.id}/reissue`,
      { reason: "Name misspelt", name: "Ada Lovelace", email: "", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(reissued.status).toBe(303);
    const location = reissued.headers.get("location") as string;
    const newId = /\/console\/credentials\/([0-9a-f-]{36})\?done=reissued$/.exec(location)?.[1] as string;
    expect(newId).not.toBe(field.id);
    const replacement = await getCredential(t.ctx, newId);
    expect(replacement.recipient.name).toBe("Ada Lovelace");
    expect(replacement.status.supersedes).toBe(field.id);
    expect((await getCredential(t.ctx, field.id)).status.supersededBy).toBe(newId);
  });

  it("changes nothing on a form without the session's CSRF token, and shows an auditor no action", async () => {
    const field = await issue(FIELD_CERT, "field@example.org");
    const pm = await fieldManager();
    const res = await postForm(t, `/console/credentials/${field.id}/revoke`, { reason: "x" }, { cookie: pm.cookie });
    expect(res.status).toBe(403);
    const wrong = await postForm(
      t,
      `/console/credentials/${field.id}/revoke`,
      { reason: "x", _csrf: "wrong" },
      { cookie: pm.cookie },
    );
    expect(wrong.status).toBe(403);
    expect((await getCredential(t.ctx, field.id)).status.state).toBe("active");

    await createAccount(t, { email: "auditor@example.org", role: "auditor" });
    const auditor = await signIn(t, "auditor@example.org");
    const page = await getPage(t, `/console/credentials/${field.id}`, auditor.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain("<textarea");
    expect(html).not.toContain("Issue a credential");
    const refused = await postForm(
      t,
      `/console/credentials/${field.id}/revoke`,
      { reason: "x", _csrf: auditor.csrf },
      { cookie: auditor.cookie },
    );
    expect(refused.status).toBe(403);
    expect((await getPage(t, "/console/credentials/new", auditor.cookie)).status).toBe(403);
    expect((await getCredential(t.ctx, field.id)).status.state).toBe("active");
  });
});

describe("console issue by hand", () => {
  it("issues a credential of a program the account manages, and refuses another program's (403)", async () => {
    const pm = await fieldManager();
    const form = await (await getPage(t, "/console/credentials/new", pm.cookie)).text();
    expect(form).toContain(`value="${FIELD_CERT}"`);
    expect(form).not.toContain(`value="${TECH_CERT}"`);

    const other = await postForm(
      t,
      "/console/credentials/new",
      { achievementId: TECH_CERT, email: "x@example.org", name: "X", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(other.status).toBe(403);
    expect(await countRows(t.store, "credentials")).toBe(0);

    const res = await postForm(
      t,
      "/console/credentials/new",
      { achievementId: FIELD_CERT, email: " Grace@Example.org ", name: "Grace Hopper", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(res.status).toBe(303);
    const id = /\/console\/credentials\/([0-9a-f-]{36})\?done=issued$/.exec(res.headers.get("location") ?? "")?.[1];
    const view = await getCredential(t.ctx, id as string);
    expect(view.recipient).toEqual({ email: "grace@example.org", name: "Grace Hopper" });
    expect(view.achievementId).toBe(FIELD_CERT);
    expect(view.issuedBy).toMatch(/^user:/);
    const shown = await (await getPage(t, res.headers.get("location") as string, pm.cookie)).text();
    expect(shown).toContain("The credential has been issued");
  });

  it("re-renders bad input with the message next to the field, nothing issued", async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ achievementId: "", email: "a@example.org", name: "A" }, "achievementId", /choose a certification/],
      [{ achievementId: "no-such-cert", email: "a@example.org", name: "A" }, "achievementId", /unknown achievement/],
      [{ achievementId: FIELD_CERT, email: "<b>nope</b>", name: "A" }, "email", /must be a valid email address/],
      [{ achievementId: FIELD_CERT, email: "a@example.org", name: "" }, "name", /must not be empty/],
      [{ achievementId: FIELD_CERT, email: "a@example.org", name: "x".repeat(201) }, "name", /Too big/],
      [{ achievementId: FIELD_CERT, email: "a@example.org", name: "Bad\u202Ename" }, "name", /bidi-override/],
    ];
    for (const [fields, field, message] of cases) {
      const res = await postForm(
        t,
        "/console/credentials/new",
        { ...fields, _csrf: admin.csrf },
        { cookie: admin.cookie },
      );
      expect(res.status, JSON.stringify(fields)).toBe(400);
      const html = await res.text();
      const error = new RegExp(`id="field-${field}-error">([^<]*)<`).exec(html)?.[1] ?? "";
      expect(error, JSON.stringify(fields)).toMatch(message);
      expect(html).not.toContain("<b>nope</b>");
    }
    expect(await countRows(t.store, "credentials")).toBe(0);
  });
});
