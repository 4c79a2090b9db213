import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signDataIntegrity } from "../../src/crypto/data-integrity.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { decodeEntities, getPage, meta, postForm, verdictOf } from "../helpers/pages.js";

const SCRIPT = `<script>alert("pwned")</script>`;
const ESCAPED = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

/** Nothing in the page can run or load from elsewhere, whatever the credential said. */
function expectInert(html: string) {
  expect(html).not.toMatch(/<script/i);
  // Escaped text may say "onclick=" or "javascript:"; no tag may carry them.
  expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
  expect(html).not.toMatch(/<[a-z][^>]*="\s*javascript:/i);
  expect(html).not.toMatch(/(src|href)="[^"]*evil\.example/i);
  expect(html).not.toMatch(/<img[^>]+src="https?:/i);
  expect(html).not.toMatch(/<(iframe|object|embed|form[^>]+action="http)/i);
}

async function upload(json: unknown): Promise<string> {
  const form = new FormData();
  form.set("file", new File([JSON.stringify(json)], "credential.json", { type: "application/json" }));
  const res = await postForm(t, "/verify", form);
  expect(res.status).toBe(200);
  return res.text();
}

describe("hostile values on the credential page", () => {
  it("renders a recipient name with <script> as text, in the body and in the meta tags", async () => {
    const issued = await issue(t, { recipient: { email: "x@example.org", name: `Mallory ${SCRIPT}` } });
    const html = await (await getPage(t, `/credentials/${issued.id}`)).text();
    expect(verdictOf(html)).toBe("valid");
    expect(html).toContain(`<strong class="recipient__name">Mallory ${ESCAPED}</strong>`);
    expect(meta(html, "og:title")).toBe(`Mallory ${SCRIPT} — GitLab Certified Associate`);
    expectInert(html);
  });

  it("renders an achievement description and criteria with markup inert", async () => {
    const original = t.ctx.catalog.get.bind(t.ctx.catalog);
    t.ctx.catalog.get = (id) => {
      const entry = original(id);
      return entry && id === "gitlab-certified-associate"
        ? {
            ...entry,
            description: `Evil ${SCRIPT} description`,
            criteria: {
              ...entry.criteria,
              narrative: `Do <img src=x onerror=alert(1)> this. [click](javascript:alert(1)) ![t](https://evil.example/t.png) <a href="https://evil.example">x</a>`,
            },
          }
        : entry;
    };
    const issued = await issue(t);
    const html = await (await getPage(t, `/credentials/${issued.id}`)).text();
    expect(verdictOf(html)).toBe("valid");
    expect(html).toContain(`<p>Evil ${ESCAPED} description</p>`);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("[click](javascript:alert(1))"); // left as text: not a link
    expectInert(html);
  });
});

describe("hostile uploads on the result page", () => {
  it("shows a forged credential's claims as inert text, with no third-party images or links that run code", async () => {
    const issued = await issue(t);
    const vc = issued.credential;
    const forged = {
      ...vc,
      issuer: {
        ...vc.issuer,
        url: "javascript:alert(1)",
        image: { id: "https://evil.example/logo.png", type: "Image" },
      },
      credentialSubject: {
        ...vc.credentialSubject,
        identifier: vc.credentialSubject.identifier.map((i: Record<string, unknown>) =>
          i.identityType === "name" ? { ...i, identityHash: `Eve ${SCRIPT}` } : i,
        ),
        achievement: {
          ...vc.credentialSubject.achievement,
          name: `Fake ${SCRIPT}`,
          description: `Described ${SCRIPT}`,
          image: { id: "https://evil.example/badge.png", type: "Image", caption: `Caption ${SCRIPT}` },
          criteria: {
            narrative: `<iframe src="https://evil.example"></iframe> [x](javascript:alert(1)) [ok](https://example.org/ok)`,
          },
        },
      },
      evidence: [
        {
          id: "javascript:alert(1)",
          type: ["Evidence"],
          name: `Evidence ${SCRIPT}`,
          narrative: "<b onclick=x>bold</b>",
        },
      ],
    };
    const html = await upload(forged);
    expect(verdictOf(html)).toBe("not-genuine");
    expect(html).toContain(`<h1 id="credential-name">Fake ${ESCAPED}</h1>`);
    expect(html).toContain(`Eve ${ESCAPED}`);
    expect(html).toContain(`Described ${ESCAPED}`);
    expect(html).toContain(`<strong>Evidence ${ESCAPED}</strong>`);
    expect(html).toContain(`aria-label="Caption ${ESCAPED} (image not shown)"`);
    expect(html).toContain('<a href="https://example.org/ok" rel="nofollow noopener">ok</a>');
    expect(html).toContain("&lt;iframe");
    expectInert(html);
  });

  it("shows an inline data: image from an upload but never a remote one", async () => {
    const issued = await issue(t);
    const pixel =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const vc = issued.credential;
    const html = await upload({
      ...vc,
      credentialSubject: {
        ...vc.credentialSubject,
        achievement: { ...vc.credentialSubject.achievement, image: { id: pixel, type: "Image", caption: "Pixel" } },
      },
    });
    expect(html).toContain(`<img src="${pixel}" alt="Pixel"`);
    expectInert(html);
  });

  it("never serves an uploaded SVG back", async () => {
    const issued = await issue(t);
    const svg = await (await t.app.request(`/credentials/${issued.id}/badge.svg`)).text();
    const marked = svg.replace("</svg>", `<text id="upload-marker">UPLOAD-MARKER-7431</text></svg>`);
    const form = new FormData();
    form.set("file", new File([marked], "badge.svg", { type: "image/svg+xml" }));
    const res = await postForm(t, "/verify", form);
    const html = await res.text();
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(verdictOf(html)).toBe("valid");
    expect(html).not.toContain("UPLOAD-MARKER-7431");
    expect(html).not.toContain("openbadges:credential");
    expectInert(html);
  });
});

describe("links from an uploaded credential", () => {
  /** Our own fixed routes, the only root-relative links a result page may carry. */
  const OUR_ROUTES = new Set(["/", "/achievements", "/issuer", "/verify", "/docs", "#main"]);

  /** Every link of the page: root-relative ones are our fixed routes, every other one is marked foreign. */
  function expectNoLinkPassesAsOurs(html: string) {
    for (const [tag] of html.matchAll(/<a [^>]*>/g)) {
      const href = decodeEntities(/href="([^"]*)"/.exec(tag)?.[1] ?? "");
      if (href.startsWith("/") || href.startsWith("#")) {
        expect(OUR_ROUTES.has(href), tag).toBe(true);
      } else {
        expect(tag).toContain('rel="nofollow noopener"');
      }
    }
  }

  const EVIL = "https://badges.test//evil.example/x";

  it("shows an issuer URL of our host with //evil.example as a foreign link, never as //evil.example", async () => {
    const { credential } = await issue(t);
    const html = await upload({ ...credential, issuer: { ...credential.issuer, id: "did:example:other", url: EVIL } });
    expect(verdictOf(html)).toBe("not-genuine");
    expect(html).not.toMatch(/href="\/[/\\]/);
    expect(html).toContain(`<a href="${EVIL}" rel="nofollow noopener">Test Academy</a>`);
    expectNoLinkPassesAsOurs(html);
  });

  it("links nothing of a genuine credential from another issuer as ours, whatever host its URLs name", async () => {
    const { credential } = await issue(t);
    const { proof: _proof, credentialStatus: _status, ...unsigned } = credential;
    const key = await Ed25519Multikey.generate();
    const did = `did:key:${key.publicKeyMultibase}`;
    Object.assign(key, { id: `${did}#${key.publicKeyMultibase}`, controller: did });
    const achievement = {
      ...unsigned.credentialSubject.achievement,
      id: "https://badges.test/achievements/x/..//evil",
    };
    const signed = await signDataIntegrity({
      credential: {
        ...unsigned,
        id: "https://badges.test/credentials/\\evil.example",
        issuer: { id: did, type: ["Profile"], name: "Other Academy", url: "https://badges.test/\\evil.example/x" },
        credentialSubject: { ...unsigned.credentialSubject, achievement },
      },
      signer: { signer: key.signer() } as never,
      documentLoader: t.ctx.keys.current().documentLoader,
      now: t.clock.now(),
    });
    const html = await upload(signed);
    expect(verdictOf(html)).toBe("valid");
    expect(html).not.toContain("This credential was issued here");
    expect(html).not.toContain("More about");
    expect(html).not.toMatch(/href="\/[/\\]/);
    expect(html).toContain(`<a href="${EVIL}" rel="nofollow noopener">Other Academy</a>`);
    expectNoLinkPassesAsOurs(html);
  });

  it("still links a genuine credential of ours to its page and our issuer page", async () => {
    const { credential, id } = await issue(t);
    const html = await upload(credential);
    expect(html).toContain(`<a href="/credentials/${id}">see its page</a>`);
    expect(html).toContain('<a href="/issuer">Test Academy</a>');
    expect(html).toContain('<a href="/achievements/gitlab-certified-associate">More about');
  });
});

describe("oversize uploads on the verify form", () => {
  it("answers a file over the cap with the form and a message, without reading it all", async () => {
    const size = 100 * 1024 * 1024;
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= size) {
          controller.close();
          return;
        }
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await t.app.request(
      new Request("http://localhost/verify", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x", accept: "text/html" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain("That file is too large: badges up to 5 MB can be verified here.");
    expect(html).toMatch(/<form[^>]+action="\/verify"/);
    // The default cap is 5 MiB: reading stops within a chunk or two past it.
    expect(pulled).toBeLessThan(6 * 1024 * 1024);
  });
});
