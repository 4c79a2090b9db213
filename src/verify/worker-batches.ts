/**
 * Makes a batch of items on a worker: each item's outcome in order (null where making it threw there), or undefined
 * when the caller must make them on its own thread (the pool refused the task, or lost it twice).
 */
export type HostBatch<Item, Outcome> = (items: Item[]) => Promise<Array<Outcome | null> | undefined>;

type Waiting<Item, Outcome> = { item: Item; done: (outcome: Outcome | undefined) => void };

/**
 * Items a service has the signing pool's workers make for it (a verification's signature checks, signature-queue.ts;
 * whole analyses, analysis-queue.ts): at most `workers` tasks in flight, one per worker at most (the pool's `host`
 * refuses more, and a verification never queues in the pool ahead of a request's signing), the items asked for
 * meanwhile waiting here, first come first served, and sent in batches of up to `maxBatch` as each task comes back; one
 * batch waits at most: an item asked for when every worker is busy and a full batch already waits is answered
 * undefined at once (the caller's thread is free to make it). An item whose task the pool refused (a bulk chunk
 * waiting, no worker, a worker lost twice) or that threw there is answered undefined: the caller makes it on its own
 * thread. One per service and kind (ServiceState): no module state.
 */
export class WorkerBatches<Item, Outcome> {
  readonly #waiting: Waiting<Item, Outcome>[] = [];
  #tasks = 0;
  #flushing = false;

  constructor(readonly maxBatch: number) {}

  /** Items waiting for a worker, and tasks in flight (tests, profiles). */
  get waiting(): number {
    return this.#waiting.length;
  }
  get inFlight(): number {
    return this.#tasks;
  }

  /** The outcome of `item` made on a worker, or undefined (make it here). */
  submit(item: Item, host: HostBatch<Item, Outcome>, workers: number): Promise<Outcome | undefined> {
    if (workers < 1 || (this.#tasks >= workers && this.#waiting.length >= this.maxBatch)) {
      // no worker, or every worker busy with a full batch already waiting behind them: made on this thread now, so an
      // item never waits longer than one round trip in flight and one batch ahead of it (review 27, item 1)
      return Promise.resolve(undefined);
    }
    return new Promise((done) => {
      this.#waiting.push({ item, done });
      if (this.#waiting.length >= this.maxBatch) {
        this.#send(host, workers); // a full batch goes at once
      } else if (!this.#flushing) {
        // the rest when this thread has run what it has to run now (its microtasks, the I/O of this turn): every item
        // asked for meanwhile goes in the same round trip
        this.#flushing = true;
        setImmediate(() => {
          this.#flushing = false;
          this.#send(host, workers);
        });
      }
    });
  }

  #send(host: HostBatch<Item, Outcome>, workers: number): void {
    while (this.#tasks < workers && this.#waiting.length > 0) {
      // the waiting items shared over the free workers, maxBatch at most per task
      const free = workers - this.#tasks;
      const size = Math.min(this.maxBatch, Math.ceil(this.#waiting.length / free));
      const batch = this.#waiting.splice(0, size);
      this.#tasks += 1;
      host(batch.map((w) => w.item))
        .catch(() => undefined)
        .then((outcomes) => {
          for (const [i, waiting] of batch.entries()) {
            waiting.done(outcomes?.[i] ?? undefined);
          }
        })
        .finally(() => {
          this.#tasks -= 1;
          this.#send(host, workers);
        });
    }
  }
}
