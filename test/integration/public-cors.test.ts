import { readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/http/env.js";
import { publicDocumentCors } from "../../src/http/public-cors.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Answer = { status: number; headers: Record<string, string>; body: string };

/**
 * A small app with the pieces around the CORS middleware that the service has (a request id set before it, a header
 * set before it, an error handler, a 404 handler), with `corsOf` on every path.
 */
function appWith(corsOf: MiddlewareHandler<AppEnv>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let ids = 0;
  app.use(requestId({ generator: () => `id-${++ids}` }));
  app.use(async (c, next) => {
    c.header("x-before", "set before the CORS middleware");
    await next();
  });
  app.use("*", corsOf);
  app.get("/json", (c) => c.json({ a: 1 }, 200, { etag: '"e1"' }));
  app.get("/own", (c) =>
    c.text("own", 200, { "access-control-allow-origin": "https://mine.example", "access-control-max-age": "5" }),
  );
  app.get("/cookie", (c) => {
    c.header("set-cookie", "a=1", { append: true });
    c.header("set-cookie", "b=2", { append: true });
    return c.body(new Uint8Array([1, 2, 3]), 201, { "content-type": "application/octet-stream" });
  });
  app.get("/throws", () => {
    throw new Error("route failed");
  });
  app.get("/redirect", (c) => c.redirect("/json", 308));
  app.onError((err, c) => c.json({ error: err.message }, 500));
  app.notFound((c) => c.json({ missing: c.req.path }, 404));
  return app;
}

async function answerOf(app: Hono<AppEnv>, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await app.request(path, init);
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe("CORS on the public documents (publicDocumentCors)", () => {
  it("answers every request as hono's cors with the same options did: headers, status and body", async () => {
    const options = { origin: "*", allowMethods: ["GET", "HEAD"], exposeHeaders: ["ETag", "Content-Disposition"] };
    const stock = appWith(cors(options));
    const ours = appWith(publicDocumentCors());
    const cases: Array<[string, RequestInit]> = [
      ["/json", {}],
      ["/json", { headers: { origin: "https://wallet.example" } }],
      ["/json", { method: "HEAD" }],
      ["/own", { headers: { origin: "https://wallet.example" } }],
      ["/cookie", {}],
      ["/throws", { headers: { origin: "https://wallet.example" } }],
      ["/redirect", {}],
      ["/nowhere", { headers: { origin: "https://wallet.example" } }],
      ["/json", { method: "OPTIONS", headers: { origin: "https://wallet.example" } }],
      [
        "/json",
        {
          method: "OPTIONS",
          headers: {
            origin: "https://wallet.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-one, x-two",
          },
        },
      ],
    ];
    for (const [path, init] of cases) {
      const expected = await answerOf(stock, path, init);
      const actual = await answerOf(ours, path, init);
      expect(actual, `${init.method ?? "GET"} ${path}`).toEqual(expected);
      if (init.method !== "OPTIONS") {
        expect(actual.headers["access-control-allow-origin"]).toBe("*");
        expect(actual.headers["access-control-expose-headers"]).toBe("ETag,Content-Disposition");
        expect(actual.headers["x-request-id"]).toMatch(/^id-\d+$/);
      }
    }
  });

  it("copies an answer whose headers cannot be changed before setting them, as hono's setter would", async () => {
    const app = new Hono<AppEnv>();
    app.use("*", publicDocumentCors());
    app.get("/immutable", () => Response.redirect("https://badges.test/elsewhere", 302));
    const res = await app.request("/immutable");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://badges.test/elsewhere");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")).toBe("ETag,Content-Disposition");
  });

  it("gives the service's public answers, its errors and 404s included, the request id and the CORS headers", async () => {
    t = await makeTestApp();
    const { id } = await issue(t);
    const json = { accept: "application/json", origin: "https://wallet.example" };
    const cases: Array<[string, Record<string, string>, number]> = [
      ["/.well-known/did.json", {}, 200],
      ["/keys/key-1", json, 200],
      ["/issuer", json, 200],
      ["/achievements", json, 200],
      [`/credentials/${id}`, json, 200],
      [`/credentials/${id}/jwt`, {}, 200],
      ["/status-lists/1", {}, 200],
      ["/credentials/00000000-0000-4000-8000-000000000000", json, 404],
      ["/credentials/not-an-id", json, 400],
      ["/.well-known/nothing-here", json, 404],
    ];
    for (const [path, headers, status] of cases) {
      for (const method of ["GET", "HEAD"]) {
        const res = await t.app.request(path, { method, headers });
        expect(res.status, `${method} ${path}`).toBe(status);
        expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
        expect(res.headers.get("access-control-expose-headers"), path).toBe("ETag,Content-Disposition");
        expect(res.headers.get("x-request-id"), path).toMatch(/^[\w-]+$/);
        expect(res.headers.get("vary") ?? "", path).not.toMatch(/origin/i);
      }
    }
    const preflight = await t.app.request("/.well-known/did.json", {
      method: "OPTIONS",
      headers: { origin: "https://wallet.example", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET,HEAD");
    expect(preflight.headers.get("access-control-expose-headers")).toBe("ETag,Content-Disposition");
    const admin = await t.app.request("/admin/credentials", { headers: json });
    expect(admin.headers.get("access-control-allow-origin")).toBeNull();
  });
});

/** One request written as it is on a fresh connection, and everything the server answered until it closed. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let response = "";
    socket.on("data", (chunk) => {
      response += chunk.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(response));
    socket.write(request);
  });
}

describe("the CORS headers' one source", () => {
  it("is public-cors.ts: no other source file sets a CORS header (a route's own would meet it differently)", () => {
    // hono's cors kept a header a route set with c.header() before answering, publicDocumentCors sets its own over it:
    // the same answers while no route sets one (the differential test above covers a route's answer's own headers).
    const files = readdirSync("src", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const setting = files.filter(
      (f) => f !== join("http", "public-cors.ts") && /access-control-/i.test(readFileSync(join("src", f), "utf8")),
    );
    expect(files.length).toBeGreaterThan(50);
    expect(setting).toEqual([]);
  });
});

describe("the chain over real HTTP (@hono/node-server)", () => {
  it("answers a GET that carries a body over the cap as it answers one without a body", async () => {
    t = await makeTestApp({ env: { LAUREL_MAX_BODY_BYTES: "1024" } });
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const head = "GET /.well-known/did.json HTTP/1.1\r\nHost: localhost\r\nOrigin: https://wallet.example\r\n";
      const bare = await rawExchange(port, `${head}Connection: close\r\n\r\n`);
      const body = "a".repeat(4096);
      const withBody = await rawExchange(
        port,
        `${head}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      const parts = (response: string) => {
        const [headers = "", payload] = response.split("\r\n\r\n");
        const lines = headers.toLowerCase().split("\r\n");
        return { status: lines[0], headers: lines.slice(1).filter((l) => !/^(date|x-request-id):/.test(l)), payload };
      };
      expect(parts(bare).status).toBe("http/1.1 200 ok");
      expect(parts(withBody)).toEqual(parts(bare));
      expect(parts(bare).headers).toContain("access-control-allow-origin: *");
      expect(parts(bare).headers).toContain("access-control-expose-headers: etag,content-disposition");
      expect(JSON.parse(parts(bare).payload ?? "")).toHaveProperty("verificationMethod");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
