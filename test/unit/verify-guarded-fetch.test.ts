import { type ClientRequest, createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteFetchError } from "../../src/verify/environment.js";
import { createGuardedFetch, isPublicAddress } from "../../src/verify/guarded-fetch.js";

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    "not-an-ip",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])("allows %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe("the guarded fetch: policy, before any connection", () => {
  const neverConnect = () => {
    throw new Error("must not connect");
  };
  const guarded = (resolve: (host: string) => Promise<{ address: string; family: number }[]>) =>
    createGuardedFetch({ resolve, request: neverConnect as never });

  it.each([
    ["http://example.org/did.json", /only https/],
    ["ftp://example.org/x", /only https/],
    ["https://user:pw@example.org/x", /credentials/],
    ["https://127.0.0.1/x", /private or reserved/],
    ["https://[::1]/x", /private or reserved/],
    ["https://169.254.169.254/latest/meta-data", /private or reserved/],
    ["not a url", /not a URL/],
  ])("refuses %s", async (url, message) => {
    const fetchRemote = guarded(async () => [{ address: "93.184.215.14", family: 4 }]);
    await expect(fetchRemote(url)).rejects.toThrow(message);
  });

  it("refuses a host that resolves to a private address, even when another of its addresses is public", async () => {
    const fetchRemote = createGuardedFetch({
      resolve: async () => [
        { address: "93.184.215.14", family: 4 },
        { address: "10.0.0.5", family: 4 },
      ],
    });
    await expect(fetchRemote("https://rebind.example/x")).rejects.toThrow(/private or reserved/);
  });

  it("refuses a host that resolves to loopback", async () => {
    const fetchRemote = createGuardedFetch({ resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    const error = await fetchRemote("https://localhost.example/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteFetchError);
  });
});

/**
 * Transport limits against a loopback server: the test lets the guard resolve `public.test` to 127.0.0.1 and talk
 * plain HTTP to it (a test cannot hold a public TLS host); the URL policy itself stays https-only.
 */
describe("the guarded fetch: transport limits", () => {
  let server: Server;
  let port: number;
  let slowClosed: Promise<boolean> | undefined;
  let answerSlow = () => {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/ok") {
        res.setHeader("content-type", "application/json");
        res.end('{"ok":true}');
      } else if (req.url === "/big") {
        res.write("x".repeat(64 * 1024));
        res.write("x".repeat(64 * 1024));
        res.end();
      } else if (req.url === "/declared-big") {
        res.setHeader("content-length", String(10 * 1024 * 1024));
        res.write("x");
      } else if (req.url === "/slow") {
        // Answers only when the test lets it (`answerSlow`): before that, the client ending the exchange is the guard's
        // timeout and nothing else. Whether the client hung up is recorded.
        slowClosed = new Promise((resolve) => res.on("close", () => resolve(!res.writableEnded)));
        answerSlow = () => res.end("late");
      } else if (req.url === "/to-http") {
        res.statusCode = 302;
        res.setHeader("location", "http://public.test/ok");
        res.end();
      } else if (req.url === "/to-private") {
        res.statusCode = 302;
        res.setHeader("location", "https://private.test/ok");
        res.end();
      } else if (req.url === "/to-ok") {
        res.statusCode = 301;
        res.setHeader("location", "/ok");
        res.end();
      } else if (req.url === "/loop") {
        res.statusCode = 302;
        res.setHeader("location", "/loop");
        res.end();
      } else {
        res.statusCode = 404;
        res.end("{}");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    answerSlow();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  let lastRequest: ClientRequest | undefined;
  const loopback = (options: { timeoutMs?: number; maxBytes?: number } = {}) =>
    createGuardedFetch({
      ...options,
      resolve: async (host) => [{ address: host === "private.test" ? "10.0.0.1" : "127.0.0.1", family: 4 }],
      addressAllowed: (address) => address === "127.0.0.1",
      request: (requestOptions, callback) => {
        lastRequest = httpRequest({ ...requestOptions, protocol: "http:", port }, callback);
        return lastRequest;
      },
    });

  it("returns the body of a 200", async () => {
    expect(await loopback()(`https://public.test/ok`)).toBe('{"ok":true}');
  });

  it("stops reading past the size cap", async () => {
    await expect(loopback({ maxBytes: 100_000 })("https://public.test/big")).rejects.toThrow(/larger than 100000/);
    await expect(loopback({ maxBytes: 100_000 })("https://public.test/declared-big")).rejects.toThrow(/larger than/);
  });

  it("gives up after the timeout", async () => {
    // The server never answers on its own, so the rejection can only be the timeout (no clock read: on a busy machine a
    // bound on the elapsed time says nothing about the guard). The guard also hangs up its request, and the server, if
    // the request reached it before the timeout (a stalled process may time out first), sees the client go.
    const failure = await loopback({ timeoutMs: 200 })("https://public.test/slow").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RemoteFetchError);
    expect((failure as Error).message).toBe("no answer within 200 ms");
    expect(lastRequest?.destroyed).toBe(true);
    if (slowClosed !== undefined) {
      expect(await slowClosed).toBe(true);
    }
  });

  it("follows a redirect only to an allowed https address", async () => {
    expect(await loopback()("https://public.test/to-ok")).toBe('{"ok":true}');
    await expect(loopback()("https://public.test/to-http")).rejects.toThrow(/only https/);
    await expect(loopback()("https://public.test/to-private")).rejects.toThrow(/private or reserved/);
    await expect(loopback()("https://public.test/loop")).rejects.toThrow(/redirects/);
  });

  it("treats another status as a failure", async () => {
    await expect(loopback()("https://public.test/missing")).rejects.toThrow(/HTTP 404/);
  });
});
