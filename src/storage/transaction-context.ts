import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The transaction the running code is inside, so that a store's `tx` called within one joins it. Node 20 carries an
 * AsyncLocalStorage's value through promise hooks, which run for every promise of the process from the first `run`
 * on, whatever code makes the promise: 0.12 against 0.04 us per `await` in a loop; a few percent of a verification's CPU
 * on a quiet machine, more on a loaded one (bench `vc-api`, CPU per operation, alternating runs). So the storage is
 * switched off whenever no transaction is open, and on again by the next. (hono's JSX renderer would run an
 * AsyncLocalStorage of its own on every page render and never switch it off; src/http/pages/render-context.ts keeps it
 * from choosing one, so a process that has rendered pages has the hooks off too while no transaction is open.)
 */
export type TransactionContext<Tx> = {
  /** The open transaction the caller runs inside, if any. */
  current(): Tx | undefined;
  /** Runs `fn` inside `tx`: `current()` is `tx` in everything it starts, until it settles. */
  run<T>(tx: Tx, fn: () => Promise<T>): Promise<T>;
};

export function transactionContext<Tx>(): TransactionContext<Tx> {
  // A frame per run, closed when the run settles: timers and promises a transaction made keep its frame after it
  // ended, and see it again while another transaction is open (the storage on again); a closed frame is no one's.
  const storage = new AsyncLocalStorage<{ tx: Tx; open: boolean }>();
  let open = 0;
  return {
    current: () => {
      const frame = open === 0 ? undefined : storage.getStore();
      return frame?.open ? frame.tx : undefined;
    },
    async run<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
      const frame = { tx, open: true };
      open++;
      try {
        return await storage.run(frame, fn);
      } finally {
        frame.open = false;
        open--;
        if (open === 0) {
          storage.disable(); // its promise hooks off; the next `run` switches them on again
        }
      }
    },
  };
}
