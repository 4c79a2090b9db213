import { createContext, useContext } from "hono/jsx";

/** A context of our own, read once: reading one is what makes hono/jsx choose its render store (see below). */
const PROBE = createContext<undefined>(undefined);

let settled = false;

/**
 * Makes hono/jsx keep its render contexts (the `<svg>` and `<head>` namespace of every page) in its synchronous
 * store, not in an AsyncLocalStorage. hono/jsx looks for AsyncLocalStorage once, when a render or a context read
 * first needs its store (`process.getBuiltinModule("node:async_hooks")`, else `process.mainModule.require`), so that
 * an async component's contexts follow it across an `await`; with one, every render runs inside its `run`, and the
 * first `run` switches on the process's promise hooks for good (hono never disables it): from a process's first page
 * on, every promise of every request pays for them (storage/transaction-context.ts switches its own storage off
 * between transactions for that reason). Our pages render synchronously (renderPage refuses a promise), where hono's
 * fallback store, set for the synchronous render and cleared after it, gives every context read the same value.
 * So both lookups are hidden while hono makes its one lookup, here, before the app's first render; they are put back
 * at once. Idempotent; when hono already looked (something rendered before this ran), it changes nothing: the
 * renders stay correct, only the hooks stay on (test/integration/page-promise-hooks.test.ts checks they are off after pages).
 */
export function settleRenderContext(): void {
  if (settled) {
    return;
  }
  settled = true;
  const names = ["getBuiltinModule", "mainModule"] as const;
  const saved = names.map((name) => Object.getOwnPropertyDescriptor(process, name));
  try {
    for (const name of names) {
      Object.defineProperty(process, name, { value: undefined, configurable: true, writable: true });
    }
    useContext(PROBE);
  } finally {
    names.forEach((name, i) => {
      const descriptor = saved[i];
      if (descriptor) {
        Object.defineProperty(process, name, descriptor);
      } else {
        delete (process as unknown as Record<string, unknown>)[name];
      }
    });
  }
}
