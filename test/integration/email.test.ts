import { afterEach, describe, expect, it } from "vitest";
import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { emitExpiringEvents } from "../../src/services/events.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { adminGet, issue } from "../helpers/http.js";
import { lifecycle } from "../helpers/lifecycle.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { startSmtpServer } from "../helpers/smtp-server.js";

const DAY = 86_400_000;

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
afterEach(async () => {
  await t.close();
  await smtp?.close();
  smtp = undefined;
});

const deliver = () => runDelivery(t.ctx, deliveryChannels(t.ctx));

type MessageView = {
  id: string;
  channel: string;
  kind: string;
  state: string;
  attempts: Array<{ outcome: string; code: number | null; answer: string }>;
};

async function deliveriesOf(id: string): Promise<MessageView[]> {
  const res = await adminGet(t, `/admin/credentials/${id}/deliveries`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: MessageView[] }).items;
}

type MailView = {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
};

async function outbox(): Promise<MailView[]> {
  const res = await adminGet(t, "/admin/mail");
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: MailView[] }).items;
}

/** Every absolute link to our own site in a text, as paths. */
function ownLinks(text: string): string[] {
  const links = [...text.matchAll(/https:\/\/badges\.test[^\s"'<>)]*/g)].map((m) => m[0].replaceAll("&amp;", "&"));
  return [...new Set(links)].map((l) => l.slice(TEST_PUBLIC_URL.length) || "/");
}

/** A reminder for a credential valid for 20 more days: issue it, move to 7 days before, emit, deliver. */
async function issueAndRemind(email = "ada@example.org") {
  const start = t.clock.now().getTime();
  const c = await issueCredential(t.ctx, {
    achievementId: "field-product-certification-sales",
    recipient: { email, name: "Ada" },
    actor: "test",
    validUntil: new Date(start + 20 * DAY),
  });
  t.clock.set(new Date(start + 13 * DAY));
  expect(await emitExpiringEvents(t.ctx, t.clock.now())).toBe(1);
  await deliver();
  return c;
}

describe("e-mail without SMTP (the embedded default)", () => {
  it("keeps the award in the local mail outbox, listed by the API, escaped, with working links", async () => {
    t = await makeTestApp();
    const c = await issue(t, { recipient: { email: "ada@example.org", name: "Ada <b>Lovelace</b>" } });
    await deliver();
    const [mail] = await outbox();
    expect(mail).toMatchObject({
      kind: "award",
      to: "ada@example.org",
      subject: expect.stringContaining("You have earned"),
    });
    expect(mail?.text).toContain("Hello Ada <b>Lovelace</b>,");
    expect(mail?.html).toContain("Hello Ada &lt;b&gt;Lovelace&lt;/b&gt;,");
    expect(mail?.html).not.toContain("<b>Lovelace");
    expect(mail?.text).toContain(`${TEST_PUBLIC_URL}/credentials/${c.id}`);
    expect(mail?.text).toContain("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME");
    for (const path of ownLinks(`${mail?.text} ${mail?.html}`)) {
      const res = await t.app.request(path, { headers: { accept: "text/html" } });
      expect(res.status, path).toBeLessThan(400);
    }
    const [message] = await deliveriesOf(c.id);
    expect(message).toMatchObject({ channel: "email", kind: "award", state: "delivered" });
    expect(message?.attempts[0]?.answer).toMatch(/local mail outbox/);
  });
});

describe("notices per certification", () => {
  it("a definition's notices.revocation: false records the revocation notice as skipped, not sent", async () => {
    t = await makeTestApp();
    const get = t.ctx.catalog.get.bind(t.ctx.catalog);
    t.ctx.catalog.get = (id) => {
      const entry = get(id);
      return entry && id === "gitlab-certified-associate" ? { ...entry, notices: { revocation: false } } : entry;
    };
    const c = await issue(t);
    await lifecycle(t, c.id, "revoke", { reason: "error", reasonPublic: true });
    await deliver();
    expect((await deliveriesOf(c.id)).map((m) => [m.kind, m.state])).toEqual([
      ["award", "delivered"],
      ["revocation", "skipped"],
    ]);
    expect((await outbox()).map((m) => m.kind)).toEqual(["award"]);
  });
});

describe("e-mail through a real SMTP server on loopback", () => {
  it("sends the award: subject, both parts, the inline badge, links to real routes", async () => {
    smtp = await startSmtpServer();
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: smtp.url, LAUREL_MAIL_FROM: "badges@academy.test" } });
    const c = await issue(t);
    await deliver();
    expect(smtp.received).toHaveLength(1);
    const { mail, envelopeTo } = smtp.received[0] as (typeof smtp.received)[number];
    expect(envelopeTo).toEqual(["ada@example.org"]);
    expect(mail.subject).toBe("You have earned GitLab Certified Associate");
    expect(mail.from?.text).toBe('"Test Academy" <badges@academy.test>');
    expect(mail.text).toContain(`${TEST_PUBLIC_URL}/credentials/${c.id}`);
    expect(mail.html).toContain(`href="${TEST_PUBLIC_URL}/credentials/${c.id}"`);
    expect(mail.html).toContain('src="cid:badge@laurel"');
    const image = mail.attachments.find((a) => a.cid === "badge@laurel");
    expect(image?.contentType).toBe("image/png");
    expect(image?.content.subarray(1, 4).toString()).toBe("PNG");
    expect(mail.headerLines.some((h) => h.key === "list-unsubscribe")).toBe(false);
    const links = ownLinks(`${mail.text} ${mail.html}`);
    expect(links).toContain(`/credentials/${c.id}`);
    expect(links.some((l) => l.startsWith("/preferences/"))).toBe(true);
    for (const path of links) {
      const res = await t.app.request(path, { headers: { accept: "text/html" } });
      expect(res.status, path).toBeLessThan(400);
    }
    expect((await deliveriesOf(c.id))[0]?.attempts).toMatchObject([{ outcome: "delivered", code: 250 }]);
  });

  it("retries a 451 with backoff and delivers once", async () => {
    smtp = await startSmtpServer([451]);
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: smtp.url } });
    const c = await issue(t);
    await deliver();
    expect(smtp.received).toHaveLength(0);
    expect((await deliveriesOf(c.id))[0]).toMatchObject({
      state: "pending",
      attempts: [{ outcome: "retry", code: 451 }],
    });
    await deliver();
    expect(smtp.seen).toEqual([451]);
    t.clock.advance(60_000);
    await deliver();
    await deliver();
    expect(smtp.seen).toEqual([451, 250]);
    expect(smtp.received).toHaveLength(1);
    expect((await deliveriesOf(c.id))[0]).toMatchObject({
      state: "delivered",
      attempts: [
        { outcome: "retry", code: 451 },
        { outcome: "delivered", code: 250 },
      ],
    });
  });

  it("records a 550 as failed and never retries it", async () => {
    smtp = await startSmtpServer([550]);
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: smtp.url } });
    const c = await issue(t);
    await deliver();
    t.clock.advance(7 * DAY);
    await deliver();
    expect(smtp.seen).toEqual([550]);
    expect((await deliveriesOf(c.id))[0]).toMatchObject({
      state: "failed",
      attempts: [{ outcome: "failed", code: 550 }],
    });
  });

  it("counts a server that does not answer as a temporary failure", async () => {
    smtp = await startSmtpServer();
    const url = smtp.url;
    await smtp.close();
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: url } });
    const c = await issue(t);
    await deliver();
    expect((await deliveriesOf(c.id))[0]).toMatchObject({
      state: "pending",
      attempts: [{ outcome: "retry", code: null }],
    });
  });

  it("puts RFC 8058 one-click unsubscribe headers on reminders; one POST stops reminders, not notices", async () => {
    smtp = await startSmtpServer();
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: smtp.url } });
    const c = await issueAndRemind();
    const reminder = smtp.received.find((r) => r.mail.subject?.includes("expires"));
    expect(reminder?.mail.text).toContain("in 7 days");
    const headerLine = (key: string) =>
      (reminder?.mail.headerLines.find((h) => h.key === key)?.line ?? "").replace(/\r?\n[ \t]+/g, " ");
    expect(headerLine("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const url = /^List-Unsubscribe:\s*<([^>]+)>$/.exec(headerLine("list-unsubscribe"))?.[1] ?? "";
    expect(url).toMatch(/^https:\/\/badges\.test\/preferences\/[A-Za-z0-9_-]{43}$/);

    // A mail client's one-click POST (RFC 8058 §3.2), no cookie, no page.
    const res = await t.app.request(url.slice(TEST_PUBLIC_URL.length), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);

    // The next reminder is recorded as skipped; a revocation notice still goes out.
    t.clock.advance(5 * DAY);
    expect(await emitExpiringEvents(t.ctx, t.clock.now())).toBe(0);
    const second = await issueAndRemind();
    await lifecycle(t, c.id, "revoke", { reason: "fraud", reasonPublic: false });
    await deliver();
    const kinds = (await deliveriesOf(second.id)).map((m) => [m.kind, m.state]);
    expect(kinds).toEqual([
      ["award", "delivered"],
      ["reminder", "skipped"],
    ]);
    const revocation = smtp.received.find((r) => r.mail.subject?.includes("revoked"));
    expect(revocation?.mail.text).not.toContain("fraud");
    expect(revocation?.mail.headerLines.some((h) => h.key === "list-unsubscribe")).toBe(false);
  });

  it("never writes an e-mail address into a log line", async () => {
    smtp = await startSmtpServer([451]);
    t = await makeTestApp({ env: { LAUREL_SMTP_URL: smtp.url } });
    await issue(t);
    await deliver();
    t.clock.advance(60_000);
    await deliver();
    const logs = t.logLines.join("\n");
    expect(logs).not.toMatch(/example\.org|@/);
    expect(logs).not.toContain("[redacted]");
  });
});

describe("the preference page", () => {
  it("shows the reminder choice behind the token and turns it off and on; an unknown token is a 404 page", async () => {
    t = await makeTestApp();
    await issueAndRemind();
    const reminder = (await outbox()).find((m) => m.kind === "reminder");
    const path = String(reminder?.headers["List-Unsubscribe"]).slice(TEST_PUBLIC_URL.length + 1, -1);
    let page = await t.app.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-reminders="on"');
    page = await t.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "reminders=off",
    });
    const html = await page.text();
    expect(html).toContain('data-reminders="off"');
    expect(html).toContain('data-changed="off"');
    const unknown = await t.app.request("/preferences/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('data-preferences="unknown-link"');
    expect(t.logLines.join("\n")).not.toContain(path.split("/")[2]);
  });
});
