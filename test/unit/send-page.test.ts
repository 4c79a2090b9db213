import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/http/env.js";
import { sendHtml } from "../../src/http/send-page.js";
import type { ServiceContext } from "../../src/services/deps.js";

const ctx = {
  config: { publicUrl: "https://badges.test", issuer: { image: "https://badges.test/public/logo.svg" } },
} as unknown as ServiceContext;

function appSending(html: string) {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => {
    c.set("ctx", ctx);
    return sendHtml(c, html, { cache: "no-store" });
  });
  return app;
}

/**
 * sendHtml hands the response the page's UTF-8 bytes rather than the string: the bytes must be exactly those the
 * Fetch API makes of the string (a lone surrogate becomes U+FFFD, as USVString conversion does), whatever the text.
 */
describe("sendHtml", () => {
  it.each([
    ["ASCII", "<!doctype html><p>plain</p>"],
    ["Latin-1", "<!doctype html><title>Overview · Laurel console</title><p>Zoë Ñúñez</p>"],
    ["beyond Latin-1", "<!doctype html><p>‘quoted’ … 名前 🎓</p>"],
    ["lone surrogates", "<!doctype html><p>a\uD800b\uDC00c\uD83D</p>"],
    ["long", `<!doctype html>${"<tr><td>Reader é ‘x’</td></tr>".repeat(5000)}`],
  ])("sends the same bytes as a string body would (%s)", async (_name, html) => {
    const res = await appSending(html).request("/");
    const expected = new Uint8Array(await new Response(html).arrayBuffer());
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(expected);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
