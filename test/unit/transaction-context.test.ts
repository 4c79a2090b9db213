import { AsyncLocalStorage } from "node:async_hooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { transactionContext } from "../../src/storage/transaction-context.js";

describe("transactionContext", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("gives the transaction to everything started inside it, and none outside", async () => {
    const context = transactionContext<string>();
    expect(context.current()).toBeUndefined();
    const seen: (string | undefined)[] = [];
    await context.run("tx1", async () => {
      seen.push(context.current());
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(context.current());
      await Promise.all([1, 2].map(async () => seen.push(context.current())));
    });
    expect(seen).toEqual(["tx1", "tx1", "tx1", "tx1"]);
    expect(context.current()).toBeUndefined();
  });

  it("keeps two transactions open at once apart (PostgreSQL runs several)", async () => {
    const context = transactionContext<string>();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = context.run("a", async () => {
      await gate;
      return context.current();
    });
    const second = context.run("b", async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const inside = context.current();
      release();
      return inside;
    });
    expect(await Promise.all([first, second])).toEqual(["a", "b"]);
    expect(context.current()).toBeUndefined();
  });

  it("is not seen by a callback a transaction started that runs after it ended", async () => {
    const context = transactionContext<string>();
    let later: Promise<string | undefined> = Promise.resolve(undefined);
    await context.run("tx", async () => {
      later = new Promise((resolve) => setTimeout(() => resolve(context.current()), 20));
    });
    expect(await later).toBeUndefined();
  });

  it("is not seen by such a callback while another transaction is open either", async () => {
    // The ended transaction's value comes back when the storage is switched on again by the next one: a late `tx`
    // there would join that other transaction (on PostgreSQL, a sibling of a failed attempt would join its retry).
    const context = transactionContext<string>();
    let late: Promise<string | undefined> = Promise.resolve(undefined);
    await context.run("ended", async () => {
      late = new Promise((resolve) => setTimeout(resolve, 50)).then(() => context.current());
    });
    const other = await context.run("other", async () => {
      const fromEnded = await late; // settles while "other" is open
      return { fromEnded, own: context.current() };
    });
    expect(other).toEqual({ fromEnded: undefined, own: "other" });
  });

  it("switches its storage off when the last open transaction settles, and on again for the next", async () => {
    // Node 20 runs promise hooks for every promise of the process while an AsyncLocalStorage is on
    const disable = vi.spyOn(AsyncLocalStorage.prototype, "disable");
    const context = transactionContext<string>();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const long = context.run("long", () => gate);
    await context.run("short", async () => undefined);
    expect(disable).not.toHaveBeenCalled(); // "long" is still open
    release();
    await long;
    expect(disable).toHaveBeenCalledTimes(1);
    await expect(context.run("failing", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(disable).toHaveBeenCalledTimes(2);
    expect(await context.run("again", async () => context.current())).toBe("again");
  });
});
