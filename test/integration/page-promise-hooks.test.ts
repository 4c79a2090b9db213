import { AsyncLocalStorage } from "node:async_hooks";
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

/**
 * The AsyncLocalStorage `run` calls hono/jsx makes while `fn` runs: a render inside one is what would switch the
 * process's promise hooks on for good. (Read from the calls, not from the hooks' state: that is the process's, and in
 * a worker that runs file after file another file's code may have switched them on for reasons of its own.)
 */
async function honoStorageRuns(fn: () => Promise<void>): Promise<number> {
  const run = AsyncLocalStorage.prototype.run;
  let calls = 0;
  AsyncLocalStorage.prototype.run = function (this: AsyncLocalStorage<unknown>, ...args: Parameters<typeof run>) {
    if (new Error().stack?.includes("hono/dist/jsx")) {
      calls++;
    }
    return run.apply(this, args);
  } as typeof run;
  try {
    await fn();
  } finally {
    AsyncLocalStorage.prototype.run = run;
  }
  return calls;
}

describe("pages and the process's promise hooks (src/http/pages/render-context.ts)", () => {
  it("rendering pages, in full and from templates, runs no AsyncLocalStorage of hono/jsx", async () => {
    const { id } = await issue(t);
    const calls = await honoStorageRuns(async () => {
      for (const path of ["/", `/credentials/${id}`, `/credentials/${id}`, `/credentials/${id}?format=html`, "/nope"]) {
        const res = await getPage(t, path);
        expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
        const html = await res.text();
        if (path.startsWith("/credentials/")) {
          expect(verdictOf(html)).toBe("valid");
        }
      }
    });
    expect(calls).toBe(0);
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
