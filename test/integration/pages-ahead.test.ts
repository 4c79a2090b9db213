import { Hono, type MiddlewareHandler } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { middlewareOf } from "../../src/app.js";
import type { AppEnv } from "../../src/http/env.js";
import { credentialPageAhead } from "../../src/http/routes/public/credentials.js";
import { adminPost, issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { BROWSER_ACCEPT } from "../helpers/pages.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

type Answer = { status: number; headers: Record<string, string>; body: string };

async function answer(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  const res = await t.app.request(path, { method, headers: { accept: BROWSER_ACCEPT, ...headers } });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

/** The "request" log lines since `from`, without what differs between two requests (their id, their duration). */
function requestLines(from: number): Array<Record<string, unknown>> {
  return t.logLines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === "request")
    .map(({ requestId, ms, time, ...rest }) => {
      expect(typeof requestId).toBe("string");
      expect(typeof ms).toBe("number");
      return rest;
    });
}

/**
 * The page of a plain GET (answered ahead of the middleware chain) and the same page asked with `?format=html`
 * (answered by the route behind the whole chain): the same status, headers (but the request id) and body, and the
 * same log line.
 */
async function expectSameAsChain(path: string, headers: Record<string, string> = {}, method = "GET") {
  const from = t.logLines.length;
  const ahead = await answer(path, headers, method);
  const chain = await answer(`${path}?format=html`, headers, method);
  const { "x-request-id": aheadId, ...aheadHeaders } = ahead.headers;
  const { "x-request-id": chainId, ...chainHeaders } = chain.headers;
  expect(aheadHeaders).toEqual(chainHeaders);
  expect(ahead.status).toBe(chain.status);
  expect(ahead.body).toBe(chain.body);
  expect(aheadId).toMatch(/^[\w\-=]+$/);
  expect(chainId).toMatch(/^[\w\-=]+$/);
  const lines = requestLines(from);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toEqual(lines[1]);
  return ahead;
}

describe("the credential page answered ahead of the middleware chain", () => {
  it("answers a browser's plain GET itself, with the chain's security and CORS headers, and nothing else", async () => {
    const { id } = await issue(t);
    const mini = new Hono<AppEnv>();
    mini.get("/credentials/:id", credentialPageAhead(t.ctx, middlewareOf().ahead));
    mini.all("*", (c) => c.text("the chain", 418));
    const page = await mini.request(`/credentials/${id}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("access-control-allow-origin")).toBe("*");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(page.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.text()).toContain('data-verdict="valid"');
    // anything else is the chain's
    for (const [path, headers] of [
      [`/credentials/${id}?format=html`, { accept: BROWSER_ACCEPT }],
      [`/credentials/${id}`, { accept: "application/json" }],
      [`/credentials/${id}`, {}],
      [`/credentials/${id}`, { accept: BROWSER_ACCEPT, origin: "https://wallet.example" }],
      ["/credentials/not-an-id", { accept: BROWSER_ACCEPT }],
    ] as const) {
      expect((await mini.request(path, { headers })).status, path).toBe(418);
    }
  });

  it("knows every middleware the chain runs for a credential page (a new one fails here until it is decided)", () => {
    // What app.use registered for a path a page view takes: the request id, the service context, the request log, the
    // security headers, the body limits, and CORS on public documents. The page answered ahead of the chain runs or
    // learns each of these (AheadChain). A middleware added to the chain (a rate limit, a maintenance switch, an IP
    // filter) would be skipped by plain page views without any other test failing: add it to AheadChain, or make the
    // ahead path hand such views to the chain, then list it here.
    const onPagePath = t.app.routes
      .filter((route) => route.method === "ALL")
      .filter((route) => route.path === "/*" || route.path === "/credentials/*")
      .map((route) => `${route.path} ${route.handler.name || "(anonymous)"}`);
    expect(onPagePath).toEqual([
      "/* requestId",
      "/* (anonymous)", // the service context and no principal
      "/* (anonymous)", // the request log
      "/* secureHeaders",
      "/* (anonymous)", // the body limits
      "/credentials/* publicDocumentCors",
    ]);
  });

  it("gives the page, headers and log line the chain gives, for valid, revoked and missing credentials", async () => {
    const { id } = await issue(t);
    const page = await expectSameAsChain(`/credentials/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-verdict="valid"');
    expect(page.headers["access-control-allow-origin"]).toBe("*");
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    // the same upper-case id (the route's schema takes it)
    await expectSameAsChain(`/credentials/${id.toUpperCase()}`);
    // revoked: live on the next view
    const revoked = await adminPost(t, `/admin/credentials/${id}/revoke`, { reason: "test" });
    expect(revoked.status).toBe(200);
    expect((await expectSameAsChain(`/credentials/${id}`)).body).toContain('data-verdict="revoked"');
    // no such credential: the 404 page
    const missing = await expectSameAsChain("/credentials/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    // HEAD
    await expectSameAsChain(`/credentials/${id}`, {}, "HEAD");
  });

  it("keeps a valid request id it is sent, and replaces an invalid one, as the chain does", async () => {
    const { id } = await issue(t);
    const kept = await answer(`/credentials/${id}`, { "x-request-id": "trace-42=ok" });
    expect(kept.headers["x-request-id"]).toBe("trace-42=ok");
    const from = t.logLines.length;
    const replaced = await answer(`/credentials/${id}`, { "x-request-id": "bad id<script>" });
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const line = JSON.parse(t.logLines[from] as string) as Record<string, unknown>;
    expect(line.requestId).toBe(replaced.headers["x-request-id"]);
    expect(line.path).toBe("/credentials/:id");
  });

  it("leaves every view to the chain while the headers its middleware add cannot be learned", async () => {
    const { id } = await issue(t);
    const { requestId, requestLog, security } = middlewareOf();
    // a header middleware whose header differs from one request to the next: not learnable, however often asked
    let served = 0;
    const varying: MiddlewareHandler<AppEnv> = async (c, next) => {
      await next();
      served += 1;
      c.header("x-served", String(served));
    };
    const app = new Hono<AppEnv>();
    app.get("/credentials/:id", credentialPageAhead(t.ctx, { requestId, requestLog, headers: [security, varying] }));
    app.get("/credentials/:id", (c) => c.text("the chain"));
    for (let view = 0; view < 3; view++) {
      const res = await app.request(`/credentials/${id}`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("the chain");
    }
    // the same middleware without the varying one: learnable, and the page is answered ahead
    const learnable = new Hono<AppEnv>();
    learnable.get("/credentials/:id", credentialPageAhead(t.ctx, { requestId, requestLog, headers: [security] }));
    learnable.get("/credentials/:id", (c) => c.text("the chain"));
    for (let view = 0; view < 2; view++) {
      const res = await learnable.request(`/credentials/${id}`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('data-verdict="valid"');
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("leaves a view whose page fails to the chain, which answers and logs it as before", async () => {
    const { id } = await issue(t);
    const conn = t.ctx.store.conn;
    t.ctx.store.conn = () => {
      throw new Error("database unreachable");
    };
    try {
      // (one request id for both: the problem document names it)
      const failed = await expectSameAsChain(`/credentials/${id}`, { "x-request-id": "same-for-both" });
      expect(failed.status).toBe(500);
      expect(failed.headers["content-type"]).toBe("application/problem+json");
    } finally {
      t.ctx.store.conn = conn;
    }
    // a failure ahead that the chain does not meet: the chain's page
    let calls = 0;
    t.ctx.store.conn = () => {
      calls += 1;
      if (calls === 1) {
        throw new Error("database unreachable once");
      }
      return conn();
    };
    try {
      const from = t.logLines.length;
      const page = await answer(`/credentials/${id}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('data-verdict="valid"');
      expect(requestLines(from)).toEqual([
        { level: "info", message: "request", method: "GET", path: "/credentials/:id", status: 200 },
      ]);
    } finally {
      t.ctx.store.conn = conn;
    }
  });
});
