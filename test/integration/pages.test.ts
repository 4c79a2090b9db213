import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toShortCode } from "../../src/domain/short-id.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { BROWSER_ACCEPT, getPage, hrefWith, meta, postForm, verdictOf } from "../helpers/pages.js";

const CSP =
  "default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

/** Every page: HTML, the strict CSP, and nothing that needs it relaxed (no script, no inline style). */
async function expectPage(res: Response, status = 200): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("content-security-policy")).toBe(CSP);
  const html = await res.text();
  expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
  expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  expect(html).toContain('<link rel="stylesheet" href="/public/laurel.css"/>');
  expect(html).toContain('<main id="main"');
  return html;
}

describe("credential page by content negotiation", () => {
  it("serves browsers the page and every other client the signed JSON, with Vary: Accept", async () => {
    const issued = await issue(t);
    const path = `/credentials/${issued.id}`;
    const page = await getPage(t, path);
    expect(page.headers.get("vary")).toContain("Accept");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const html = await expectPage(page);
    expect(verdictOf(html)).toBe("valid");
    for (const accept of [
      undefined,
      "*/*",
      "application/vc+ld+json",
      "application/json",
      "application/ld+json, text/html;q=0.5",
    ]) {
      const res = await t.app.request(path, { headers: accept ? { accept } : {} });
      expect(res.headers.get("content-type"), accept).toBe("application/vc+ld+json");
      expect(res.headers.get("vary")).toContain("Accept");
      expect(await res.json()).toEqual(issued.credential);
    }
    const forced = await t.app.request(`${path}?format=json`, { headers: { accept: BROWSER_ACCEPT } });
    expect(forced.headers.get("content-type")).toBe("application/vc+ld+json");
    expect((await t.app.request(`${path}?format=xml`)).status).toBe(400);
  });

  it("shows the credential: badge with its caption, name, recipient, issuer, dates, checks, QR code and downloads", async () => {
    const issued = await issue(t);
    const html = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    expect(html).toContain(`<img src="/credentials/${issued.id}/badge.png" alt="Badge: GitLab Certified Associate"`);
    expect(html).toContain('<h1 id="credential-name">GitLab Certified Associate</h1>');
    expect(html).toContain('Awarded to <strong class="recipient__name">Ada Lovelace</strong>');
    expect(html).toContain('Issued by <a href="/issuer">Test Academy</a>');
    expect(html).toMatch(/<dt>Issued<\/dt><dd><time datetime="2026-03-02T09:30:00\.000Z">2 March 2026<\/time><\/dd>/);
    expect(html).toContain("Does not expire");
    for (const check of ["format", "schema", "proof", "issuer", "validity", "status", "recipient"]) {
      expect(html).toContain(`data-check="${check}"`);
    }
    expect(html).toContain('data-check="proof" data-outcome="passed"');
    expect(html).toContain('data-check="recipient" data-outcome="not-checked"');
    // criteria Markdown rendered: a list and a link marked nofollow
    expect(html).toMatch(/<ol>\s*<li>Pass the GitLab Certified Associate <strong>written assessment<\/strong>/);
    expect(html).toContain(
      '<a href="https://about.gitlab.com/services/education/gitlab-basics/" rel="nofollow noopener">',
    );
    // the QR code is the credential's qr.svg (drawn once per id, not on every view), labelled with the URL it holds
    expect(html).toContain(
      `<img src="/credentials/${issued.id}/qr.svg" alt="QR code linking to ${TEST_PUBLIC_URL}/credentials/${issued.id}"`,
    );
    const qr = await t.app.request(`/credentials/${issued.id}/qr.svg`);
    expect(qr.status).toBe(200);
    expect(await qr.text()).toContain(`aria-label="QR code linking to ${TEST_PUBLIC_URL}/credentials/${issued.id}"`);
    for (const file of ["badge.png", "badge.svg", "certificate.pdf", "share-card.png", "jwt"]) {
      expect(html).toContain(`href="/credentials/${issued.id}/${file}"`);
      expect((await t.app.request(`/credentials/${issued.id}/${file}`)).status, file).toBe(200);
    }
    expect(html).toContain(`href="/credentials/${issued.id}?format=json"`);
    expect(html).toContain(
      `<a href="/achievements/gitlab-certified-associate">More about GitLab Certified Associate</a>`,
    );
    expect(html).toMatch(/<span class="history__event">Issued<\/span>/);
  });

  it("carries Open Graph tags with the absolute 1200×627 share card, and a canonical credential URL", async () => {
    const issued = await issue(t);
    const url = `${TEST_PUBLIC_URL}/credentials/${issued.id}`;
    const html = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    expect(html).toContain(`<link rel="canonical" href="${url}"/>`);
    expect(meta(html, "og:title")).toBe("Ada Lovelace — GitLab Certified Associate");
    expect(meta(html, "og:description")).toMatch(/^The holder can apply GitLab and Git fundamentals/);
    expect(meta(html, "og:url")).toBe(url);
    expect(meta(html, "og:type")).toBe("website");
    expect(meta(html, "og:site_name")).toBe("Test Academy");
    expect(meta(html, "og:image")).toBe(`${url}/share-card.png`);
    expect(meta(html, "og:image:width")).toBe("1200");
    expect(meta(html, "og:image:height")).toBe("627");
    expect(meta(html, "og:image:alt")).toBe("GitLab Certified Associate awarded to Ada Lovelace by Test Academy");
  });

  it("puts the share actions right under the verdict, before the credential's details", async () => {
    const issued = await issue(t);
    const html = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    const share = html.indexOf('data-linkedin="add-to-profile"');
    expect(share).toBeGreaterThan(html.indexOf("data-verdict="));
    expect(share).toBeLessThan(html.indexOf('id="credential-name"'));
  });

  it("offers LinkedIn links with every field, for a valid credential", async () => {
    const issued = await issue(t);
    const html = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    const add = new URL(hrefWith(html, 'data-linkedin="add-to-profile"') ?? "");
    expect(`${add.origin}${add.pathname}`).toBe("https://www.linkedin.com/profile/add");
    expect(Object.fromEntries(add.searchParams)).toEqual({
      startTask: "CERTIFICATION_NAME",
      name: "GitLab Certified Associate",
      organizationName: "Test Academy",
      issueYear: "2026",
      issueMonth: "3",
      certUrl: `${TEST_PUBLIC_URL}/credentials/${issued.id}`,
      certId: issued.id,
    });
    expect(hrefWith(html, 'data-linkedin="share"')).toBe(
      `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(`${TEST_PUBLIC_URL}/credentials/${issued.id}`)}`,
    );
  });

  it("uses the LinkedIn organisation id when configured, and the expiry of a credential that expires", async () => {
    const org = await makeTestApp({ env: { LAUREL_LINKEDIN_ORG_ID: "2345678" } });
    try {
      const issued = await issue(org, { achievementId: "field-product-certification-sales" });
      expect(issued.validUntil).not.toBeNull();
      const until = new Date(issued.validUntil as string);
      const html = await expectPage(await getPage(org, `/credentials/${issued.id}`));
      const params = new URL(hrefWith(html, 'data-linkedin="add-to-profile"') ?? "").searchParams;
      expect(params.get("organizationId")).toBe("2345678");
      expect(params.has("organizationName")).toBe(false);
      expect(params.get("expirationYear")).toBe(String(until.getUTCFullYear()));
      expect(params.get("expirationMonth")).toBe(String(until.getUTCMonth() + 1));
      expect(html).toMatch(/<dt>Expires<\/dt><dd><time datetime=/);
    } finally {
      await org.close();
    }
  });

  it("shows an expired credential as expired, live, without LinkedIn buttons", async () => {
    const issued = await issue(t, { achievementId: "field-product-certification-sales" });
    t.clock.set(new Date(new Date(issued.validUntil as string).getTime() + 1000));
    const html = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    expect(verdictOf(html)).toBe("expired");
    expect(html).toContain('data-check="validity" data-outcome="failed"');
    expect(html).toMatch(/<dt>Expired<\/dt>/);
    expect(html).not.toContain("data-linkedin");
    expect(meta(html, "og:title")).toMatch(/^Expired: Ada Lovelace — /);
  });

  it("shows a revocation with its public reason and history, and keeps a private reason private", async () => {
    const pub = await issue(t);
    const priv = await issue(t, { recipient: { email: "bo@example.org", name: "Bo" } });
    expect(
      (
        await adminPost(t, `/admin/credentials/${pub.id}/revoke`, {
          reason: "Exam misconduct confirmed",
          reasonPublic: true,
        })
      ).status,
    ).toBe(200);
    expect(
      (await adminPost(t, `/admin/credentials/${priv.id}/revoke`, { reason: "Secret internal matter" })).status,
    ).toBe(200);
    const html = await expectPage(await getPage(t, `/credentials/${pub.id}`));
    expect(verdictOf(html)).toBe("revoked");
    expect(html).toContain("<strong>Reason given by the issuer:</strong> Exam misconduct confirmed");
    expect(html).toContain('data-check="status" data-outcome="failed"');
    expect(html).toMatch(/<span class="history__event">Revoked<\/span>/);
    expect(html).not.toContain("data-linkedin");
    expect(meta(html, "og:title")).toBe("Revoked: Ada Lovelace — GitLab Certified Associate");
    const privateHtml = await expectPage(await getPage(t, `/credentials/${priv.id}`));
    expect(verdictOf(privateHtml)).toBe("revoked");
    expect(privateHtml).not.toContain("Secret internal matter");
    expect(privateHtml).not.toContain("Reason given by the issuer");
  });

  it("shows a suspension with its banner and failing status check, and valid again once reinstated", async () => {
    // No shipped certification allows suspension (see README): allow it for one here.
    const catalog = t.ctx.catalog;
    const original = catalog.get.bind(catalog);
    catalog.get = (id) => {
      const entry = original(id);
      return entry && id === "gitlab-certified-associate" ? { ...entry, suspendable: true } : entry;
    };
    const issued = await issue(t);
    expect(
      (await adminPost(t, `/admin/credentials/${issued.id}/suspend`, { reason: "Under review", reasonPublic: true }))
        .status,
    ).toBe(200);
    const html = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    expect(verdictOf(html)).toBe("suspended");
    expect(html).toContain('data-check="status" data-outcome="failed"');
    expect(html).toContain("<strong>Reason given by the issuer:</strong> Under review");
    expect(html).not.toContain("data-linkedin");
    expect((await adminPost(t, `/admin/credentials/${issued.id}/reinstate`, { reason: "Review closed" })).status).toBe(
      200,
    );
    const again = await expectPage(await getPage(t, `/credentials/${issued.id}`));
    expect(verdictOf(again)).toBe("valid");
    expect(again).toContain('data-check="status" data-outcome="passed"');
    expect(again).toMatch(/<span class="history__event">Reinstated<\/span>/);
  });

  it("links a reissued credential to the one that replaced it, both ways", async () => {
    const old = await issue(t, { recipient: { email: "di@example.org", name: "Di Typo" } });
    const res = await adminPost(t, `/admin/credentials/${old.id}/reissue`, {
      reason: "Name corrected",
      recipient: { name: "Di Tipo" },
    });
    expect(res.status).toBe(201);
    const { credential } = (await res.json()) as { credential: { id: string } };
    const oldHtml = await expectPage(await getPage(t, `/credentials/${old.id}`));
    expect(verdictOf(oldHtml)).toBe("revoked");
    expect(oldHtml).toContain("Replaced by a newer credential.");
    expect(hrefWith(oldHtml, `data-superseded-by="${credential.id}"`)).toBe(`/credentials/${credential.id}`);
    expect(oldHtml).toContain("replaced this credential with a newer one");
    const newHtml = await expectPage(await getPage(t, `/credentials/${credential.id}`));
    expect(verdictOf(newHtml)).toBe("valid");
    expect(newHtml).toContain(`href="/credentials/${old.id}">earlier one</a>`);
    expect(newHtml).toContain("Di Tipo");
  });

  it("does not link a credential to its replacement when the reissue corrected the email (another person)", async () => {
    const old = await issue(t, { recipient: { email: "wrong@example.org", name: "Wrong Person" } });
    const res = await adminPost(t, `/admin/credentials/${old.id}/reissue`, {
      reason: "Sent to the wrong address",
      recipient: { email: "right@example.org", name: "Right Person" },
    });
    expect(res.status).toBe(201);
    const { credential } = (await res.json()) as { credential: { id: string } };
    const oldHtml = await expectPage(await getPage(t, `/credentials/${old.id}`));
    expect(verdictOf(oldHtml)).toBe("revoked");
    expect(oldHtml).not.toContain(credential.id);
    expect(oldHtml).not.toContain("Right Person");
    const newHtml = await expectPage(await getPage(t, `/credentials/${credential.id}`));
    expect(verdictOf(newHtml)).toBe("valid");
    expect(newHtml).not.toContain(old.id);
    expect(newHtml).not.toContain("Wrong Person");
  });

  it("answers a browser asking for an unknown credential with a 404 page", async () => {
    const html = await expectPage(await getPage(t, "/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b"), 404);
    expect(html).toContain("There is no credential at this address.");
    expect((await t.app.request("/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b")).headers.get("content-type")).toBe(
      "application/problem+json",
    );
  });
});

describe("short link /c/{code}", () => {
  it("serves the same page to browsers, canonical to the credential URL, and redirects other clients", async () => {
    const issued = await issue(t);
    const code = toShortCode(issued.id);
    const html = await expectPage(await getPage(t, `/c/${code}`));
    expect(html).toContain(`<link rel="canonical" href="${TEST_PUBLIC_URL}/credentials/${issued.id}"/>`);
    expect(meta(html, "og:url")).toBe(`${TEST_PUBLIC_URL}/credentials/${issued.id}`);
    expect(html).toContain(`${TEST_PUBLIC_URL}/c/${code}`);
    expect(verdictOf(html)).toBe("valid");
    const redirect = await t.app.request(`/c/${code}`);
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe(`/credentials/${issued.id}`);
  });

  it("answers 404 for a code that is not one, or names no credential", async () => {
    await expectPage(await getPage(t, "/c/not-a-code"), 404);
    expect((await t.app.request("/c/0OIl")).headers.get("content-type")).toBe("application/problem+json");
    const unknown = toShortCode("0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b");
    await expectPage(await getPage(t, `/c/${unknown}`), 404);
  });
});

describe("check the recipient's email", () => {
  it("says match or no match, never caches the answer, and never logs the address", async () => {
    const issued = await issue(t);
    const path = `/credentials/${issued.id}/recipient`;
    const match = await postForm(t, path, new URLSearchParams({ email: "  Ada@Example.org " }));
    expect(match.headers.get("cache-control")).toBe("no-store");
    const matched = await expectPage(match);
    expect(matched).toContain('data-recipient-outcome="passed"');
    expect(matched).toContain('data-check="recipient" data-outcome="passed"');
    expect(matched).not.toContain("Ada@Example.org");
    const other = await expectPage(await postForm(t, path, new URLSearchParams({ email: "eve@example.org" })));
    expect(other).toContain('data-recipient-outcome="failed"');
    expect(verdictOf(other)).toBe("valid");
    expect(t.logLines.join("\n")).not.toMatch(/ada@example|eve@example/i);
  });

  it("answers the question asked first: the match or no match comes above the verdict, and only once", async () => {
    const issued = await issue(t);
    const path = `/credentials/${issued.id}/recipient`;
    const other = await expectPage(await postForm(t, path, new URLSearchParams({ email: "eve@example.org" })));
    const answer = other.indexOf('data-recipient-outcome="failed"');
    expect(answer).toBeGreaterThan(other.indexOf('<main id="main"'));
    expect(answer).toBeLessThan(other.indexOf("data-verdict="));
    expect(other.match(/data-recipient-outcome=/g)).toHaveLength(1);
    expect(other).toMatch(/No match<\/p><p>This credential was not awarded to the email address you entered\./);
    const matched = await expectPage(await postForm(t, path, new URLSearchParams({ email: "ada@example.org" })));
    expect(matched.indexOf('data-recipient-outcome="passed"')).toBeLessThan(matched.indexOf("data-verdict="));
    // a form error is summarised at the top too, linking to the field that explains it
    const empty = await expectPage(await postForm(t, path, new URLSearchParams({ email: "" })), 400);
    expect(empty.indexOf('<a href="#recipient-email">')).toBeLessThan(empty.indexOf("data-verdict="));
    // the plain page has no answer
    expect(await expectPage(await getPage(t, `/credentials/${issued.id}`))).not.toContain("data-recipient-outcome");
  });

  it("explains a missing or malformed address on the page (400)", async () => {
    const issued = await issue(t);
    const path = `/credentials/${issued.id}/recipient`;
    const empty = await expectPage(await postForm(t, path, new URLSearchParams({ email: "" })), 400);
    expect(empty).toContain("Enter the recipient&#39;s email address.");
    expect(empty).toContain('aria-invalid="true"');
    const bad = await expectPage(await postForm(t, path, new URLSearchParams({ email: "not an email" })), 400);
    expect(bad).toContain("Enter an email address such as name@example.org.");
    await expectPage(await postForm(t, "/credentials/nope/recipient", new URLSearchParams({ email: "a@b.c" })), 404);
  });
});

describe("verify any badge", () => {
  it("shows a form where every control has a label", async () => {
    const html = await expectPage(await getPage(t, "/verify"));
    expect(html).toContain('action="/verify" enctype="multipart/form-data"');
    for (const id of ["verify-file", "verify-text", "verify-email"]) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain(`id="${id}"`);
    }
  });

  it("verifies an uploaded baked PNG and pasted JSON, and shows a tampered one as not genuine", async () => {
    const issued = await issue(t);
    const png = new Uint8Array(await (await t.app.request(`/credentials/${issued.id}/badge.png`)).arrayBuffer());
    const form = new FormData();
    form.set("file", new File([png], "badge.png", { type: "image/png" }));
    form.set("email", "ada@example.org");
    const res = await postForm(t, "/verify", form);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await expectPage(res);
    expect(verdictOf(html)).toBe("valid");
    expect(html).toContain('data-check="recipient" data-outcome="passed"');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow"/>');
    expect(html).toContain(`<a href="/credentials/${issued.id}">see its page</a>`);

    const pasted = new FormData();
    pasted.set("text", JSON.stringify(issued.credential));
    expect(verdictOf(await expectPage(await postForm(t, "/verify", pasted)))).toBe("valid");

    const tampered = new FormData();
    tampered.set("text", JSON.stringify({ ...issued.credential, name: "Something else" }));
    const forged = await expectPage(await postForm(t, "/verify", tampered));
    expect(verdictOf(forged)).toBe("not-genuine");
    expect(forged).toContain('data-check="proof" data-outcome="failed"');
    expect(forged).toContain("Unconfirmed claim");
    expect(forged).not.toContain("see its page");
  });

  it("shows a credential signed by a key that is not the issuer's as not genuine", async () => {
    // Another service with the same public URL (so the same did:web issuer) but its own, unknown key.
    const impostor = await makeTestApp();
    try {
      const forged = await issue(impostor);
      const form = new FormData();
      form.set("text", JSON.stringify(forged.credential));
      const html = await expectPage(await postForm(t, "/verify", form));
      expect(verdictOf(html)).toBe("not-genuine");
      expect(html).toContain('data-check="proof" data-outcome="failed"');
      expect(html).toContain("Names as its issuer");
    } finally {
      await impostor.close();
    }
  });

  it("shows what is wrong with an empty submission or unreadable input", async () => {
    const empty = await expectPage(await postForm(t, "/verify", new FormData()), 400);
    expect(empty).toContain("Choose a badge file or paste a credential");
    const garbage = new FormData();
    garbage.set("text", "this is not a credential");
    const html = await expectPage(await postForm(t, "/verify", garbage));
    expect(verdictOf(html)).toBe("invalid");
    const json = await t.app.request("/verify", {
      method: "POST",
      headers: { "content-type": "application/json", accept: BROWSER_ACCEPT },
      body: "{}",
    });
    expect(json.status).toBe(400);
  });
});

describe("issuer and catalog pages", () => {
  it("serves the issuer page to browsers, with the journey drawn, and the Profile JSON-LD to others", async () => {
    const page = await getPage(t, "/issuer");
    expect(page.headers.get("vary")).toContain("Accept");
    const html = await expectPage(page);
    expect(html).toContain("<h1>Test Academy</h1>");
    expect(html).toMatch(/<title id="[^"]+">GitLab Technical Certifications: the certification journey<\/title>/);
    expect(html).toMatch(/<desc id="[^"]+">GitLab Certified Associate leads to GitLab Certified CI\/CD Specialist/);
    expect(html).toContain(
      '<a href="/achievements/gitlab-certified-devops-professional">GitLab Certified DevOps Professional</a>',
    );
    expect(html.indexOf("GitLab Technical Certifications")).toBeLessThan(
      html.indexOf("GitLab Certified Trainer Program"),
    );
    const json = await t.app.request("/issuer");
    expect(json.headers.get("content-type")).toBe("application/ld+json");
    expect(((await json.json()) as { type: string[] }).type).toEqual(["Profile"]);
  });

  it("explains a certification's criteria in plain words with its prerequisites linked", async () => {
    const html = await expectPage(await getPage(t, "/achievements/gitlab-certified-devops-professional"));
    expect(html).toContain("<h1>GitLab Certified DevOps Professional</h1>");
    expect(html).toContain('alt="Badge: GitLab Certified DevOps Professional"');
    expect(html).toContain("with a score of 80 % or more");
    expect(html).toContain("graded by a Professional Services engineer");
    expect(html).toMatch(
      /Hold<\/span> <a href="\/achievements\/gitlab-certified-cicd-specialist">GitLab Certified CI\/CD Specialist<\/a>, currently valid/,
    );
    expect(html).toContain("Does not expire.");
    const json = await t.app.request("/achievements/gitlab-certified-devops-professional");
    expect(json.headers.get("content-type")).toBe("application/ld+json");
    await expectPage(await getPage(t, "/achievements/no-such-thing"), 404);
  });

  it("serves browsers a catalog page grouped by program at /achievements, and API clients the same JSON", async () => {
    const page = await getPage(t, "/achievements");
    expect(page.headers.get("vary")).toContain("Accept");
    const html = await expectPage(page);
    expect(html).toContain("<h1>Certifications</h1>");
    const programs = [...new Set(t.ctx.catalog.entries.map((e) => e.program))];
    for (const program of programs) {
      expect(html).toMatch(new RegExp(`<h2 id="program-[a-z-]+">${program}</h2>`));
    }
    for (const entry of t.ctx.catalog.entries) {
      expect(html).toContain(`<a href="/achievements/${entry.id}">${entry.name.replaceAll('"', "&quot;")}</a>`);
    }
    // each program's certifications sit under its heading
    const technical = html.indexOf(">GitLab Technical Certifications</h2>");
    const trainer = html.indexOf(">GitLab Certified Trainer Program</h2>");
    expect(html.indexOf('href="/achievements/gitlab-certified-associate"', technical)).toBeLessThan(trainer);
    for (const accept of [undefined, "*/*", "application/json"]) {
      const res = await t.app.request("/achievements", { headers: accept ? { accept } : {} });
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.headers.get("vary")).toContain("Accept");
      const body = (await res.json()) as { items: Array<{ id: string }> };
      expect(body.items.map((i) => i.id)).toEqual(t.ctx.catalog.entries.map((e) => e.id));
    }
  });

  it("serves browsers a home page at /, and API clients the service's links", async () => {
    const page = await getPage(t, "/");
    expect(page.headers.get("vary")).toContain("Accept");
    const html = await expectPage(page);
    expect(html).toContain("<h1>Test Academy</h1>");
    for (const href of ["/verify", "/achievements", "/issuer"]) {
      expect(html).toContain(`<a href="${href}">`);
    }
    expect(html).toContain(
      '<a href="/achievements#gitlab-technical-certifications">GitLab Technical Certifications</a>',
    );
    const json = await t.app.request("/");
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json.json()).toEqual({
      service: "Laurel",
      issuer: { id: t.ctx.issuer.id, name: "Test Academy" },
      links: {
        apiReference: `${TEST_PUBLIC_URL}/docs`,
        openapi: `${TEST_PUBLIC_URL}/openapi.json`,
        didDocument: `${TEST_PUBLIC_URL}/.well-known/did.json`,
        jwks: `${TEST_PUBLIC_URL}/.well-known/jwks.json`,
        issuerProfile: `${TEST_PUBLIC_URL}/issuer`,
        achievements: `${TEST_PUBLIC_URL}/achievements`,
      },
    });
  });

  it("answers a truncated or unknown credential link with a 'no such credential' page linking to verify", async () => {
    const issued = await issue(t);
    const code = toShortCode(issued.id);
    for (const path of [
      `/credentials/${issued.id.slice(0, 20)}`,
      "/credentials/abc",
      "/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
      `/c/${code.slice(0, 12)}`,
      "/c/xyz",
    ]) {
      const res = await getPage(t, path);
      const html = await expectPage(res, 404);
      expect(html, path).toContain("<h1>No such credential</h1>");
      expect(html, path).toContain('<a href="/verify">Verify it here</a>');
      expect(res.headers.get("vary"), path).toContain("Accept");
    }
    // API clients keep their answers: 400 for a malformed id, 404 for an unknown one
    const malformed = await t.app.request("/credentials/abc");
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toBe("application/problem+json");
    const unknown = await t.app.request("/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    // any other address a browser follows gets a page too
    expect(await expectPage(await getPage(t, "/no/such/page"), 404)).toContain("<h1>Page not found</h1>");
    expect((await t.app.request("/no/such/page")).headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers browsers with a page, not a JSON 400, for a malformed id on any public page or file URL", async () => {
    const issued = await issue(t);
    for (const [path, heading] of [
      ["/achievements/Not_An_Id!", "No such certification"],
      ["/achievements/Not_An_Id!/image", "No such certification"],
      [`/credentials/${issued.id.slice(0, 20)}/badge.png`, "No such credential"],
      [`/credentials/${issued.id.slice(0, 20)}/certificate.pdf`, "No such credential"],
      [`/credentials/${issued.id.slice(0, 20)}/jwt`, "No such credential"],
    ] as const) {
      const res = await getPage(t, path);
      expect(await expectPage(res, 404), path).toContain(`<h1>${heading}</h1>`);
      expect(res.headers.get("vary"), path).toContain("Accept");
      // API clients keep their 400 problem, which also varies by Accept
      const api = await t.app.request(path);
      expect(api.status, path).toBe(400);
      expect(api.headers.get("content-type"), path).toBe("application/problem+json");
      expect(api.headers.get("vary"), path).toContain("Accept");
    }
  });

  it("answers browsers with a page for an unknown credential's file or certification's image", async () => {
    for (const [path, heading] of [
      ["/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b/badge.png", "No such credential"],
      ["/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b/share-card.png", "No such credential"],
      ["/achievements/no-such-thing/image", "No such certification"],
    ] as const) {
      expect(await expectPage(await getPage(t, path), 404), path).toContain(`<h1>${heading}</h1>`);
      expect((await t.app.request(path)).headers.get("content-type"), path).toBe("application/problem+json");
    }
  });

  it("says Vary: Accept on the 404 of any address, page or problem", async () => {
    for (const accept of [BROWSER_ACCEPT, "application/json", undefined]) {
      const res = await t.app.request("/no/such/page", { headers: accept ? { accept } : {} });
      expect(res.status).toBe(404);
      expect(res.headers.get("vary"), String(accept)).toContain("Accept");
    }
  });

  it("describes validity and renewal windows", async () => {
    const html = await expectPage(await getPage(t, "/achievements/field-product-certification-sales"));
    expect(html).toMatch(/Renewed in windows that open on the first day of fiscal Q1 and Q3/);
  });

  it("shows an issuer logo hosted elsewhere, allowing that one origin in the CSP", async () => {
    const hosted = await makeTestApp({ env: { LAUREL_ISSUER_IMAGE: "https://cdn.example/logo.png" } });
    try {
      const res = await getPage(hosted, "/issuer");
      expect(res.headers.get("content-security-policy")).toBe(
        CSP.replace("img-src 'self' data:", "img-src 'self' data: https://cdn.example"),
      );
      expect(await res.text()).toContain('<img class="brand__logo" src="https://cdn.example/logo.png" alt=""');
    } finally {
      await hosted.close();
    }
  });

  it("serves the stylesheet with caching", async () => {
    const res = await t.app.request("/public/laurel.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/css/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
  });
});
