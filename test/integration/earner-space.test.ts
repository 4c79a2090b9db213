import { afterEach, describe, expect, it } from "vitest";
import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { earnerSignIn, getEarnerPage, postEarnerForm } from "../helpers/earner.js";
import { adminGet, adminPost, issue } from "../helpers/http.js";
import { lifecycle } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const ADA = "ada@example.org";
const BOB = "bob@example.org";

async function me(cookie: string): Promise<string> {
  const res = await getEarnerPage(t, "/me", cookie);
  expect(res.status).toBe(200);
  return res.text();
}

function publish(s: { cookie: string; csrf: string }, handle: string, published = "yes") {
  return postEarnerForm(t, "/me/profile", { _csrf: s.csrf, handle, published }, { cookie: s.cookie });
}

describe("/me", () => {
  it("lists every credential held, with its state, links, downloads and LinkedIn add link", async () => {
    t = await makeTestApp();
    const kept = await issue(t);
    const revoked = await issue(t, { achievementId: "field-product-certification-sales" });
    expect((await lifecycle(t, revoked.id, "revoke", { reason: "issued in error" })).status).toBe(200);
    const s = await earnerSignIn(t, ADA);
    const html = await me(s.cookie);
    expect(html).toContain(`href="/credentials/${kept.id}"`);
    expect(html).toContain(`href="/credentials/${revoked.id}"`);
    expect(html).toContain('data-state="valid"');
    expect(html).toContain('data-state="revoked"');
    expect(html).toContain("https://www.linkedin.com/profile/add?");
    expect(html).toContain(`https://badges.test/credentials/${kept.id}/certificate.pdf`);
    expect(html).toContain(`https://badges.test/credentials/${kept.id}/badge.png`);
    expect(html).toContain("Issued 2 March 2026");
    // only the valid one offers LinkedIn: one add link
    expect(html.match(/linkedin\.com\/profile\/add/g)?.length).toBe(1);
  });

  it("shows the progress towards each certification in plain words: met, not met, what is missing", async () => {
    t = await makeTestApp();
    await issue(t, { achievementId: "field-product-certification-sales" });
    const res = await adminPost(t, "/admin/evidence", {
      kind: "assessment",
      externalId: "lms-1",
      person: { email: ADA, name: "Ada Lovelace" },
      occurredAt: "2026-03-01T10:00:00Z",
      assessment: "gitlab-associate-written",
      score: 86,
    });
    expect(res.status).toBe(201);
    const s = await earnerSignIn(t, ADA);
    const html = await me(s.cookie);
    expect(html).toContain('data-progress="gitlab-certified-associate" data-status="in-progress"');
    expect(html).toContain("Not met yet. What is still missing is listed below.");
    expect(html).toMatch(/<strong>Met:<\/strong>/);
    expect(html).toMatch(/<strong>Not met:<\/strong>[^<]*<span class="muted"> — missing: /);
    expect(html).toContain('data-progress="field-product-certification-sales"');
  });

  it("turns expiry reminders off and on for the signed-in person", async () => {
    t = await makeTestApp();
    await issue(t);
    const s = await earnerSignIn(t, ADA);
    const off = await postEarnerForm(t, "/me/preferences", { _csrf: s.csrf, reminders: "off" }, { cookie: s.cookie });
    expect(off.status).toBe(303);
    expect(await me(s.cookie)).toContain('data-reminders="off"');
    const bad = await postEarnerForm(t, "/me/preferences", { _csrf: s.csrf, reminders: "maybe" }, { cookie: s.cookie });
    expect(bad.status).toBe(400);
    await postEarnerForm(t, "/me/preferences", { _csrf: s.csrf, reminders: "on" }, { cookie: s.cookie });
    expect(await me(s.cookie)).toContain('data-reminders="on"');
  });
});

describe("public profile /u/<handle>", () => {
  it("is off by default; publishing lists the valid credentials with Open Graph tags; hide and unpublish", async () => {
    t = await makeTestApp();
    const a = await issue(t);
    const b = await issue(t, { achievementId: "field-product-certification-sales" });
    const s = await earnerSignIn(t, ADA);
    const unknown = await getEarnerPage(t, "/u/nobody-here");
    expect(unknown.status).toBe(404);
    const unknownBody = await unknown.text();

    // chosen but not published: the same 404 page
    expect((await publish(s, "ada-lovelace", "no")).status).toBe(303);
    const unpublished = await getEarnerPage(t, "/u/ada-lovelace");
    expect(unpublished.status).toBe(404);
    expect(await unpublished.text()).toBe(unknownBody);

    expect((await publish(s, "Ada-Lovelace")).status).toBe(303);
    expect(await me(s.cookie)).toContain('href="https://badges.test/u/ada-lovelace"');
    const profile = await getEarnerPage(t, "/u/ada-lovelace");
    expect(profile.status).toBe(200);
    const html = await profile.text();
    expect(html).toContain("<h1>Ada Lovelace</h1>");
    expect(html).toContain('<meta property="og:title" content="Ada Lovelace: credentials from Test Academy"/>');
    expect(html).toContain('<meta property="og:url" content="https://badges.test/u/ada-lovelace"/>');
    expect(html).toMatch(
      /<meta property="og:image" content="https:\/\/badges\.test\/credentials\/[^"]+\/share-card\.png"/,
    );
    expect(html).toContain(`data-credential="${a.id}"`);
    expect(html).toContain(`data-credential="${b.id}"`);
    expect(html).not.toContain(ADA);

    const hide = await postEarnerForm(
      t,
      "/me/profile/visibility",
      { _csrf: s.csrf, credential: b.id, hidden: "yes" },
      { cookie: s.cookie },
    );
    expect(hide.status).toBe(303);
    const after = await (await getEarnerPage(t, "/u/ada-lovelace")).text();
    expect(after).toContain(`data-credential="${a.id}"`);
    expect(after).not.toContain(`data-credential="${b.id}"`);

    // a revoked credential leaves the profile
    await lifecycle(t, a.id, "revoke", { reason: "issued in error" });
    expect(await (await getEarnerPage(t, "/u/ada-lovelace")).text()).not.toContain(`data-credential="${a.id}"`);

    expect((await publish(s, "ada-lovelace", "no")).status).toBe(303);
    const gone = await getEarnerPage(t, "/u/ada-lovelace");
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(unknownBody);
  });

  it("validates the handle and keeps it unique", async () => {
    t = await makeTestApp();
    await issue(t);
    await issue(t, { recipient: { email: BOB, name: "Bob" } });
    const ada = await earnerSignIn(t, ADA);
    for (const bad of ["ab", "-ada", "ada-", "a--b", "ada lovelace", "ädä", "x".repeat(31), "admin", ""]) {
      const res = await publish(ada, bad);
      expect(res.status, bad).toBe(400);
      const html = await res.text();
      expect(html).toContain('id="field-handle-error"');
    }
    expect((await publish(ada, "ada")).status).toBe(303);
    const bob = await earnerSignIn(t, BOB);
    const taken = await publish(bob, "ada");
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("this name is taken");
    expect(await me(ada.cookie)).toContain('data-profile="on"');
  });
});

describe("nobody else's data", () => {
  it("shows each person only their own credentials, and refuses to hide someone else's", async () => {
    t = await makeTestApp();
    const adas = await issue(t);
    const bobs = await issue(t, { recipient: { email: BOB, name: "Bob Builder" } });
    const ada = await earnerSignIn(t, ADA);
    const bob = await earnerSignIn(t, BOB);
    const adaPage = await me(ada.cookie);
    const bobPage = await me(bob.cookie);
    expect(adaPage).toContain(adas.id);
    expect(adaPage).not.toContain(bobs.id);
    expect(adaPage).not.toContain("Bob Builder");
    expect(bobPage).toContain(bobs.id);
    expect(bobPage).not.toContain(adas.id);
    expect(bobPage).not.toContain("Ada Lovelace");
    const res = await postEarnerForm(
      t,
      "/me/profile/visibility",
      { _csrf: bob.csrf, credential: adas.id, hidden: "yes" },
      { cookie: bob.cookie },
    );
    expect(res.status).toBe(404);
    // one person's CSRF token does not pass with another's session
    const crossed = await postEarnerForm(
      t,
      "/me/preferences",
      { _csrf: ada.csrf, reminders: "off" },
      { cookie: bob.cookie },
    );
    expect(crossed.status).toBe(403);
    // without a session: the sign-in page
    expect((await getEarnerPage(t, "/me")).headers.get("location")).toBe("/me/sign-in");
    expect((await getEarnerPage(t, "/me", "x".repeat(43))).headers.get("location")).toBe("/me/sign-in");
  });

  it("never hands the sign-in request to a webhook endpoint", async () => {
    t = await makeTestApp({ env: { LAUREL_WEBHOOK_ALLOW_HOSTS: "127.0.0.1" } });
    await issue(t);
    const created = await adminPost(t, "/admin/webhooks", { url: "http://127.0.0.1:9/hook" });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await runDelivery(t.ctx, deliveryChannels(t.ctx));
    const before = ((await (await adminGet(t, `/admin/webhooks/${id}/deliveries`)).json()) as { items: unknown[] })
      .items.length;
    await postEarnerForm(t, "/me/sign-in", { email: ADA });
    await runDelivery(t.ctx, deliveryChannels(t.ctx));
    const items = (
      (await (await adminGet(t, `/admin/webhooks/${id}/deliveries`)).json()) as {
        items: Array<{ eventType?: string; kind?: string }>;
      }
    ).items;
    expect(items.length).toBe(before);
    expect(JSON.stringify(items)).not.toContain("sign-in");
  });
});
