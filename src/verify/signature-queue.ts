import type { SignatureCheck, SignatureOutcome, SignatureTask, SignatureTaskOutcome } from "./signature-check.js";
import { WorkerBatches } from "./worker-batches.js";

/** Makes a signature task on a worker: its outcomes, or undefined when the caller must check on its own thread. */
export type HostSignatures = (task: SignatureTask) => Promise<SignatureTaskOutcome | undefined>;

/**
 * Signature checks per worker round trip at most: checks that queued while every worker was busy go together, so a
 * round trip's cost (the clone out and back, the messages) is shared; few enough that the last ones of a burst keep
 * both workers busy.
 */
export const DEFAULT_SIGNATURE_BATCH = 8;

/**
 * The signature checks (verify/signature-check.ts) a service sends to the signing pool's workers, batched as
 * worker-batches.ts says: a check the pool cannot make now is answered undefined (the caller checks it on its own
 * thread). One per service (ServiceState): no module state.
 */
export class SignatureQueue extends WorkerBatches<SignatureCheck, SignatureOutcome> {
  constructor(maxBatch = DEFAULT_SIGNATURE_BATCH) {
    super(maxBatch);
  }

  /** The outcome of `check` made on a worker, or undefined (check it here). */
  check(check: SignatureCheck, host: HostSignatures, workers: number): Promise<SignatureOutcome | undefined> {
    return this.submit(check, (checks) => host({ kind: "signatures", checks }), workers);
  }
}
