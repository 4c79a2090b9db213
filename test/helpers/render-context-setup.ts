import { settleRenderContext } from "../../src/http/pages/render-context.js";

/**
 * Every test file starts with hono/jsx's render store settled as the app settles it (src/http/pages/render-context.ts),
 * before the file renders anything: a worker runs file after file in one process (`isolate: false`), and hono/jsx
 * chooses its store once per process, on its first render. Without this, a file rendering a page's markup directly
 * (no app made first) ahead of test/integration/page-promise-hooks.test.ts in the same worker would leave the promise
 * hooks on for it, depending on the order vitest gives the files. Production settles it in createApp, before any render.
 */
settleRenderContext();
