import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendEvent } from "../../src/storage/events-repo.js";
import { createAccount, getPage, postForm, signIn } from "../helpers/console.js";
import { makeTestApp, TEST_START, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await createAccount(t, { email: "admin@example.org", role: "admin" });
});
afterEach(async () => {
  await t.close();
});

/** Appends `n` events straight to the outbox: every third one a revocation, with hostile markup in its reason. */
async function appendEvents(n: number) {
  await t.ctx.store.tx(async (tx) => {
    for (let i = 1; i <= n; i++) {
      const revoked = i % 3 === 0;
      await appendEvent(tx, {
        id: `event-${i}`,
        type: revoked ? "credential.revoked" : "credential.issued",
        credentialId: `cred-${i}`,
        occurredAt: new Date(TEST_START.getTime() + i * 1000),
        payload: {
          credentialId: `cred-${i}`,
          achievementId: "gitlab-certified-associate",
          achievementName: "GitLab Certified Associate",
          recipient: { email: `p${i}@example.org`, name: `Person ${i}` },
          ...(revoked ? { reason: "<img src=x onerror=alert(1)>" } : {}),
        },
        dedupeKey: null,
      });
    }
  });
}

function seqsOf(html: string): number[] {
  return [...html.matchAll(/<td class="console-number">(\d+)<\/td>/g)].map((m) => Number(m[1]));
}

describe("the console events outbox", () => {
  it("lists events newest first, filters by type and pages by keyset, keeping the filter", async () => {
    await appendEvents(120);
    const admin = await signIn(t, "admin@example.org");
    const first = await (await getPage(t, "/console/events", admin.cookie)).text();
    const firstSeqs = seqsOf(first);
    expect(firstSeqs).toHaveLength(50);
    expect(firstSeqs[0]).toBe(120);
    expect(first).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(first).not.toContain("<img src=x");
    expect(first).toContain('href="/console/credentials/cred-120"');

    const revoked = await (await getPage(t, "/console/events?type=credential.revoked", admin.cookie)).text();
    const revokedSeqs = seqsOf(revoked);
    expect(revokedSeqs).toHaveLength(40);
    expect(revokedSeqs.every((seq) => seq % 3 === 0)).toBe(true);
    expect(revoked).not.toContain("Older events");

    const older = /href="(\/console\/events\?before=\d+)"/.exec(first)?.[1] ?? "";
    expect(older).toBe("/console/events?before=71");
    const second = seqsOf(await (await getPage(t, older, admin.cookie)).text());
    expect(second[0]).toBe(70);
    const issuedPage = await (await getPage(t, "/console/events?type=credential.issued", admin.cookie)).text();
    const next = /href="(\/console\/events\?type=credential.issued&amp;before=\d+)"/.exec(issuedPage)?.[1] ?? "";
    expect(next).not.toBe("");
    const issuedSecond = seqsOf(await (await getPage(t, next.replace("&amp;", "&"), admin.cookie)).text());
    expect(issuedSecond.length).toBe(30);
    expect(issuedSecond.every((seq) => seq % 3 !== 0)).toBe(true);
  });

  it("re-renders the filter with the error next to the field for an unknown type or a bad cursor", async () => {
    const admin = await signIn(t, "admin@example.org");
    for (const query of ["type=%3Cb%3Ex%3C%2Fb%3E", "before=-3", "before=abc"]) {
      const res = await getPage(t, `/console/events?${query}`, admin.cookie);
      expect(res.status, query).toBe(400);
      const html = await res.text();
      expect(html).toContain('id="field-type-error"');
      expect(html).not.toContain("<b>x</b>");
    }
  });

  it("is for events:read: an auditor reads it, a program manager gets a 403 page", async () => {
    await appendEvents(3);
    await createAccount(t, { email: "auditor@example.org", role: "auditor" });
    await createAccount(t, {
      email: "pm@example.org",
      role: "program-manager",
      program: "GitLab Technical Certifications",
    });
    const auditor = await signIn(t, "auditor@example.org");
    expect((await getPage(t, "/console/events", auditor.cookie)).status).toBe(200);
    const pm = await signIn(t, "pm@example.org");
    const refused = await getPage(t, "/console/events", pm.cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("needs the &quot;events:read&quot; permission");
    expect((await postForm(t, "/console/events", { _csrf: auditor.csrf }, { cookie: auditor.cookie })).status).toBe(
      404,
    );
  });
});
