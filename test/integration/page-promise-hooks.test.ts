import { executionAsyncId } from "node:async_hooks";
import { jsx } from "hono/jsx";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPage } from "../../src/http/pages/render-page.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { getPage, verdictOf } from "../helpers/pages.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

/** Whether the process's promise hooks run: a promise reaction gets an async id only while they do. */
async function promiseHooksOn(): Promise<boolean> {
  return (await Promise.resolve().then(() => executionAsyncId())) !== 0;
}

describe("pages and the process's promise hooks (src/http/pages/render-context.ts)", () => {
  it("rendering pages, in full and from templates, leaves them off", async () => {
    const { id } = await issue(t);
    // (issuance's transactions switch the store's own storage on and off again: transaction-context.ts)
    expect(await promiseHooksOn()).toBe(false);
    for (const path of ["/", `/credentials/${id}`, `/credentials/${id}`, `/credentials/${id}?format=html`, "/nope"]) {
      const res = await getPage(t, path);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await res.text();
      if (path.startsWith("/credentials/")) {
        expect(verdictOf(html)).toBe("valid");
      }
      expect(await promiseHooksOn()).toBe(false);
    }
  });

  it("keeps the JSX contexts of a synchronous render: attribute names in <svg> and after it", () => {
    const page = jsx(
      "html",
      { lang: "en" },
      jsx("head", {}, jsx("meta", { charset: "utf-8" }), jsx("title", {}, "t")),
      jsx(
        "body",
        {},
        jsx("svg", { viewBox: "0 0 1 1", "aria-hidden": "true" }, jsx("path", { strokeWidth: "2", d: "M0 0" })),
        jsx("p", { strokeWidth: "3" }, "x"),
      ),
    );
    expect(renderPage(page)).toBe(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"/><title>t</title></head><body><svg viewBox="0 0 1 1" aria-hidden="true"><path stroke-width="2" d="M0 0"></path></svg><p strokeWidth="3">x</p></body></html>',
    );
  });
});
