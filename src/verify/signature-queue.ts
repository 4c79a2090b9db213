import type { SignatureCheck, SignatureOutcome, SignatureTask, SignatureTaskOutcome } from "./signature-check.js";

/** Makes a signature task on a worker: its outcomes, or undefined when the caller must check on its own thread. */
export type HostSignatures = (task: SignatureTask) => Promise<SignatureTaskOutcome | undefined>;

/**
 * Signature checks per worker round trip at most: checks that queued while every worker was busy go together, so a
 * round trip's cost (the clone out and back, the messages) is shared; few enough that the last ones of a burst keep
 * both workers busy.
 */
export const DEFAULT_SIGNATURE_BATCH = 8;

type Waiting = { check: SignatureCheck; done: (outcome: SignatureOutcome | undefined) => void };

/**
 * The signature checks (verify/signature-check.ts) a service sends to the signing pool's workers: at most `workers`
 * tasks in flight, one per worker at most (the pool's `host` refuses more, and a verification never queues in the
 * pool ahead of a request's signing), the checks asked for meanwhile waiting here, first come first served, and sent in
 * batches of up to `maxBatch` as each task comes back; one batch waits at most: a check asked for when every worker is
 * busy and a full batch already waits is answered undefined at once (the caller's thread is free to make it). A check whose task the pool refused (a bulk chunk waiting, no worker, a worker
 * lost twice) or that threw there is answered undefined: the caller checks it on its own thread. One per service
 * (ServiceState): no module state.
 */
export class SignatureQueue {
  readonly #waiting: Waiting[] = [];
  #tasks = 0;
  #flushing = false;

  constructor(readonly maxBatch = DEFAULT_SIGNATURE_BATCH) {}

  /** Checks waiting for a worker, and tasks in flight (tests, profiles). */
  get waiting(): number {
    return this.#waiting.length;
  }
  get inFlight(): number {
    return this.#tasks;
  }

  /** The outcome of `check` made on a worker, or undefined (check it here). */
  check(check: SignatureCheck, host: HostSignatures, workers: number): Promise<SignatureOutcome | undefined> {
    if (workers < 1 || (this.#tasks >= workers && this.#waiting.length >= this.maxBatch)) {
      // no worker, or every worker busy with a full batch already waiting behind them: checked on this thread now, so
      // a check never waits longer than one round trip in flight and one batch ahead of it (review 27, item 1)
      return Promise.resolve(undefined);
    }
    return new Promise((done) => {
      this.#waiting.push({ check, done });
      if (this.#waiting.length >= this.maxBatch) {
        this.#send(host, workers); // a full batch goes at once
      } else if (!this.#flushing) {
        // the rest when this thread has run what it has to run now (its microtasks, the I/O of this turn): every check
        // asked for meanwhile goes in the same round trip
        this.#flushing = true;
        setImmediate(() => {
          this.#flushing = false;
          this.#send(host, workers);
        });
      }
    });
  }

  #send(host: HostSignatures, workers: number): void {
    while (this.#tasks < workers && this.#waiting.length > 0) {
      // the waiting checks shared over the free workers, maxBatch at most per task
      const free = workers - this.#tasks;
      const size = Math.min(this.maxBatch, Math.ceil(this.#waiting.length / free));
      const batch = this.#waiting.splice(0, size);
      this.#tasks += 1;
      host({ kind: "signatures", checks: batch.map((w) => w.check) })
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
