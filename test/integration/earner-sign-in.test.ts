import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { LINK_LIMITS } from "../../src/services/earner.js";
import {
  earnerCookieOf,
  earnerSignIn,
  getEarnerPage,
  linkTokenOf,
  postEarnerForm,
  signInMails,
} from "../helpers/earner.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { startSmtpServer } from "../helpers/smtp-server.js";

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
afterEach(async () => {
  await t.close();
  await smtp?.close();
  smtp = undefined;
});

const ADA = "ada@example.org";

/** The page's main content, for comparing two answers (the request id aside, nothing differs). */
function mainOf(html: string): string {
  return /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html;
}

async function askForLink(email: string) {
  return postEarnerForm(t, "/me/sign-in", { email });
}

describe("earner sign-in by a one-time link", () => {
  it("e-mails a link through the mail path; GET shows a button, POST signs in once and opens /me", async () => {
    t = await makeTestApp();
    const c = await issue(t, { recipient: { email: ADA, name: "Ada <b>Lovelace</b>" } });
    const asked = await askForLink(ADA);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain("If this address holds credentials, a link to sign in is on its way");
    const [mail, ...more] = await signInMails(t);
    expect(more).toEqual([]);
    expect(mail?.to).toBe(ADA);
    expect(mail?.subject).toBe("Your sign-in link for Test Academy");
    expect(mail?.html).toContain("Ada &lt;b&gt;Lovelace&lt;/b&gt;");
    const token = linkTokenOf(mail as never);
    expect(mail?.html).toContain(`https://badges.test/me/sign-in/${token}`);

    // following the link (a mail scanner would) does not use it
    for (let i = 0; i < 2; i++) {
      const shown = await getEarnerPage(t, `/me/sign-in/${token}`);
      expect(shown.status).toBe(200);
      expect(shown.headers.get("cache-control")).toBe("no-store");
      expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
      expect(await shown.text()).toContain(`action="/me/sign-in/${token}"`);
    }
    const signedIn = await postEarnerForm(t, `/me/sign-in/${token}`, {});
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/me");
    const setCookie = signedIn.headers.getSetCookie().find((l) => l.startsWith("laurel_earner=")) ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/Path=\/me/);
    const cookie = earnerCookieOf(signedIn) as string;
    const me = await getEarnerPage(t, "/me", cookie);
    expect(me.status).toBe(200);
    const html = await me.text();
    expect(html).toContain("Credentials you hold");
    expect(html).toContain(`data-credential="${c.id}"`);

    // used twice → refused, and no session
    const again = await postEarnerForm(t, `/me/sign-in/${token}`, {});
    expect(again.status).toBe(410);
    expect(earnerCookieOf(again)).toBeUndefined();
    expect(await again.text()).toContain("This sign-in link has expired or was already used");
    expect((await getEarnerPage(t, `/me/sign-in/${token}`)).status).toBe(410);
  });

  it("sends the link through a real SMTP server: both parts, escaped, the link signs in", async () => {
    smtp = await startSmtpServer();
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: smtp.url, LAUREL_MAIL_FROM: "badges@academy.test" } });
    await issue(t, { recipient: { email: ADA, name: "Ada <b>Lovelace</b>" } });
    await runDelivery(t.ctx, deliveryChannels(t.ctx));
    const awards = smtp.received.length;
    await askForLink(ADA);
    await runDelivery(t.ctx, deliveryChannels(t.ctx));
    expect(smtp.received).toHaveLength(awards + 1);
    const { mail, envelopeTo } = smtp.received.at(-1) as (typeof smtp.received)[number];
    expect(envelopeTo).toEqual([ADA]);
    expect(mail.subject).toBe("Your sign-in link for Test Academy");
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toContain("Ada <b>Lovelace</b>");
    expect(mail.html).toContain("Hello Ada &lt;b&gt;Lovelace&lt;/b&gt;");
    const token = /\/me\/sign-in\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? "")?.[1] as string;
    expect(mail.html).toContain(`href="${TEST_PUBLIC_URL}/me/sign-in/${token}"`);
    expect((await getEarnerPage(t, `/me/sign-in/${token}`)).status).toBe(200);
    expect((await postEarnerForm(t, `/me/sign-in/${token}`, {})).status).toBe(303);
    expect((await postEarnerForm(t, `/me/sign-in/${token}`, {})).status).toBe(410);
  });

  it("refuses an expired link (15 minutes) and an unknown one", async () => {
    t = await makeTestApp();
    await issue(t);
    await askForLink(ADA);
    const token = linkTokenOf((await signInMails(t))[0] as never);
    t.clock.advance(15 * 60_000);
    expect((await getEarnerPage(t, `/me/sign-in/${token}`)).status).toBe(410);
    const late = await postEarnerForm(t, `/me/sign-in/${token}`, {});
    expect(late.status).toBe(410);
    expect(earnerCookieOf(late)).toBeUndefined();
    const made = await postEarnerForm(t, `/me/sign-in/${"x".repeat(43)}`, {});
    expect(made.status).toBe(410);
    expect((await postEarnerForm(t, "/me/sign-in/short", {})).status).toBe(410);
  });

  it("answers an unknown address exactly as a known one, and sends it nothing", async () => {
    t = await makeTestApp();
    await issue(t);
    const known = await askForLink(ADA);
    const unknown = await askForLink("nobody@example.org");
    expect(unknown.status).toBe(known.status);
    expect(mainOf(await unknown.text())).toBe(mainOf(await known.text()));
    const mails = await signInMails(t);
    expect(mails.map((m) => m.to)).toEqual([ADA]);
  });

  it("checks the address with the one e-mail rule (the form again, naming the field)", async () => {
    t = await makeTestApp();
    const res = await askForLink("not an address");
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="field-email-error"');
    expect(html).toContain('aria-invalid="true"');
  });

  it("throttles link requests per address and per client address, known or not, in the database", async () => {
    t = await makeTestApp();
    await issue(t);
    for (let i = 0; i < LINK_LIMITS.address; i++) {
      expect((await askForLink(ADA)).status).toBe(200);
    }
    const over = await askForLink(ADA);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // an unknown address is throttled alike (the answer tells nothing)
    for (let i = 0; i < LINK_LIMITS.address; i++) {
      await askForLink("nobody@example.org");
    }
    expect((await askForLink("nobody@example.org")).status).toBe(429);
    expect((await signInMails(t)).length).toBe(LINK_LIMITS.address);
    // per client: many addresses from one client
    t.clock.advance(LINK_LIMITS.windowMs);
    for (let i = 0; i < LINK_LIMITS.client; i++) {
      expect((await askForLink(`person${i}@example.org`)).status).toBe(200);
    }
    expect((await askForLink("one-more@example.org")).status).toBe(429);
    // the window ends
    t.clock.advance(LINK_LIMITS.windowMs);
    expect((await askForLink(ADA)).status).toBe(200);
  });

  it("never writes a link token (nor its hash) or the session secret in a log line", async () => {
    t = await makeTestApp();
    await issue(t);
    await askForLink(ADA);
    const token = linkTokenOf((await signInMails(t))[0] as never);
    await getEarnerPage(t, `/me/sign-in/${token}`);
    const res = await postEarnerForm(t, `/me/sign-in/${token}`, {});
    const cookie = earnerCookieOf(res) as string;
    await getEarnerPage(t, "/me", cookie);
    await postEarnerForm(t, `/me/sign-in/${token}`, {});
    const logs = t.logLines.join("\n");
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(logs).toContain("/me/sign-in/:token");
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(createHash("sha256").update(token).digest("base64url"));
    expect(logs).not.toContain(cookie);
    expect(logs).not.toContain(ADA);
  });

  it("ends a session when signed out, after an hour unused, and a day after sign-in", async () => {
    t = await makeTestApp();
    await issue(t);
    const a = await earnerSignIn(t, ADA);
    const out = await postEarnerForm(t, "/me/sign-out", { _csrf: a.csrf }, { cookie: a.cookie });
    expect(out.status).toBe(303);
    expect((await getEarnerPage(t, "/me", a.cookie)).headers.get("location")).toBe("/me/sign-in");

    t.clock.advance(15 * 60_000);
    const b = await earnerSignIn(t, ADA);
    t.clock.advance(60 * 60_000);
    expect((await getEarnerPage(t, "/me", b.cookie)).status).toBe(303);

    t.clock.advance(15 * 60_000);
    const d = await earnerSignIn(t, ADA);
    for (let i = 0; i < 25; i++) {
      t.clock.advance(59 * 60_000);
      const page = await getEarnerPage(t, "/me", d.cookie);
      if (i < 24) {
        expect(page.status).toBe(200);
      } else {
        expect(page.status).toBe(303);
      }
    }
  });

  it("refuses every POST without the session's CSRF token or from another site", async () => {
    t = await makeTestApp();
    const c = await issue(t);
    const a = await earnerSignIn(t, ADA);
    const forms: Array<[string, Record<string, string>]> = [
      ["/me/sign-out", {}],
      ["/me/preferences", { reminders: "off" }],
      ["/me/profile", { published: "yes", handle: "ada" }],
      ["/me/profile/visibility", { credential: c.id, hidden: "yes" }],
    ];
    for (const [path, fields] of forms) {
      expect((await postEarnerForm(t, path, fields, { cookie: a.cookie })).status).toBe(403);
      expect((await postEarnerForm(t, path, { ...fields, _csrf: "x".repeat(43) }, { cookie: a.cookie })).status).toBe(
        403,
      );
      const crossSite = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
      expect(
        (await postEarnerForm(t, path, { ...fields, _csrf: a.csrf }, { cookie: a.cookie, headers: crossSite })).status,
      ).toBe(403);
      expect((await postEarnerForm(t, path, { ...fields, _csrf: a.csrf })).status).toBe(401);
    }
    const crossSite = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
    expect((await postEarnerForm(t, "/me/sign-in", { email: ADA }, { headers: crossSite })).status).toBe(403);
    // nothing changed
    const html = await (await getEarnerPage(t, "/me", a.cookie)).text();
    expect(html).toContain('data-reminders="on"');
    expect(html).toContain('data-profile="off"');
  });
});
