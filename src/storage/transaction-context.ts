import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The transaction the running code is inside, so that a store's `tx` called within one joins it. Node 20 carries an
 * AsyncLocalStorage's value through promise hooks, which run for every promise of the process from the first `run`
 * on, whatever code makes the promise: about a tenth of the CPU of a verification (bench `vc-api`, CPU per operation,
 * the same run). So the storage is switched off whenever no transaction is open, and on again by the next.
 */
export type TransactionContext<Tx> = {
  /** The open transaction the caller runs inside, if any. */
  current(): Tx | undefined;
  /** Runs `fn` inside `tx`: `current()` is `tx` in everything it starts, until it settles. */
  run<T>(tx: Tx, fn: () => Promise<T>): Promise<T>;
};

export function transactionContext<Tx>(): TransactionContext<Tx> {
  const storage = new AsyncLocalStorage<Tx>();
  let open = 0;
  return {
    // none open: a callback started by a transaction that has ended is not inside it
    current: () => (open === 0 ? undefined : storage.getStore()),
    async run<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
      open++;
      try {
        return await storage.run(tx, fn);
      } finally {
        open--;
        if (open === 0) {
          storage.disable(); // its promise hooks off; the next `run` switches them on again
        }
      }
    },
  };
}
