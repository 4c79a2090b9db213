import { availableParallelism } from "node:os";
import type { ResourceLimits, Worker } from "node:worker_threads";
import { Piscina, type PiscinaTask, type TaskQueue } from "piscina";
import type { CredentialRecipes } from "../domain/credential/recipe.js";
import type { JsonObject } from "./data-integrity.js";
import type { KeyringMaterial } from "./keyring.js";
import {
  type ChunkOutcome,
  createSigningSession,
  credentialCount,
  type SignedCredential,
  type SigningChunk,
  type SigningSession,
  type SigningWorkerData,
  signedFromWire,
  type WireOutcome,
  type WorkerProbe,
  type WorkerTask,
} from "./signing-session.js";

export type { SignedCredential };

/**
 * A task another layer has the workers make (the verifier's signature checks: verify/signature-check.ts, which the
 * worker module dispatches on `kind`): plain data, structured-cloned. The pool knows nothing of it beyond its kind.
 */
export type HostedTask = { readonly kind: "signatures" };

/**
 * Credentials per worker task: enough that a round trip costs little beside the signing, few enough that the last
 * tasks of a batch keep every worker busy. 4,000 credentials on two workers (bench/signing-pool.ts): chunks of 1,
 * 1,078/s; 4, 2,519/s; 16, 2,758/s; 32, 2,914/s; 64, 2,274/s; 256, 1,390/s.
 */
export const DEFAULT_CHUNK_SIZE = 32;
/**
 * Credentials per worker task of a bulk batch: an interactive task waits for at most the bulk task a worker signs (the
 * first worker to free a place; the worker then runs it before the bulk tasks it holds), so a bulk task is kept short:
 * with 8 rather than 16 (when a worker ran the tasks it held in their order, two at most), the signing wait of a
 * single issuance during a 1,000-row job fell from a median of 45 ms to 19 ms on a loaded 2-core machine (scratch
 * instrumentation), the job's rate unchanged within the noise.
 */
export const DEFAULT_BULK_CHUNK_SIZE = 8;
export const DEFAULT_NICE_INCREMENT = 5;
/**
 * Tasks handed to a worker at once: the one it signs and the next ones, which wait in the worker (signing-worker.ts runs
 * them in turn, interactive ones first). With one, a worker that finished a chunk stayed idle until the main thread
 * came back to its event loop to hand it another, which it does not while it stores a batch of signed credentials (a
 * SQLite write transaction runs without yielding, nor does a scavenge): in bulk issuance the workers then waited for
 * the main thread for a good part of every batch. A request's chunk handed to a worker that holds bulk ones waits only
 * for the chunk being signed (the worker runs it before the bulk ones it holds). Four per worker was tried (round 26):
 * no gain in bulk on a quiet machine, and HTTP issuance at 8 in flight a little slower in five runs of six.
 */
export const DEFAULT_TASKS_PER_WORKER = 2;

export type SigningPoolOptions = {
  /** The key generations to sign with, the issuer's DID and public URL (`updateKeys` replaces them). */
  keys: KeyringMaterial;
  /** Worker threads; 0 signs on the main thread. Default: the cores this process may use. */
  size?: number;
  /** Most credentials per worker task. */
  chunkSize?: number;
  /** Most credentials per worker task of a bulk batch (`priority: "bulk"`). */
  bulkChunkSize?: number;
  /**
   * Added to the workers' nice value (Linux, macOS; piscina through @napi-rs/nice), so that the main thread, which
   * serves requests, is scheduled first: with 5, its event-loop delay p99 while two workers sign on two cores fell
   * from 10-14 ms to 1-4 ms (bench/signing-pool.ts). Default 5.
   */
  niceIncrement?: number;
  /** Tasks handed to each worker at once (the one it signs, the next ones waiting in it). Default 2. */
  tasksPerWorker?: number;
  /** Heap limits of each worker: one that exceeds them dies, is replaced, and its task is retried. */
  resourceLimits?: ResourceLimits;
  /** Told when a worker died with a task of ours, before that task is tried again on another worker. */
  onWorkerLost?: (error: Error) => void;
  /** Another module with the worker's default export (signing-worker.ts), for tests. */
  workerModule?: URL;
};

/**
 * Who waits for a batch: a request (`interactive`, the default) or a bulk job (`bulk`). The workers take every waiting
 * interactive task before any waiting bulk task, and each worker runs the interactive tasks it holds before the bulk
 * ones: a request signed while a job runs waits at most for a bulk task a worker signs, not for the bulk tasks queued
 * before it.
 */
export type SigningPriority = "interactive" | "bulk";

/**
 * One batch: credentials (unsigned) signed with one key generation at one `created` time, given built or as recipes
 * (built where they are signed: the main thread neither builds nor copies the documents).
 */
export type SignRequest = ({ credentials: JsonObject[] } | { recipes: CredentialRecipes }) & {
  created: Date;
  generation: number;
  priority?: SigningPriority;
};

/**
 * Signs credentials, Data Integrity and VC-JWT, in worker threads when it has any: the caller cannot tell (the same
 * bytes for the proof; an ES256 VC-JWT over them). A worker that dies is replaced and the task it held is tried once
 * more on another; a credential that cannot be signed fails its batch at once with a SigningError.
 */
export type SigningPool = {
  /** Worker threads (0: signing happens on the main thread). */
  readonly size: number;
  /** The live worker threads (for operations and tests: one that is terminated is replaced). */
  readonly threads: readonly Worker[];
  signCredential(request: { credential: JsonObject; created: Date; generation: number }): Promise<SignedCredential>;
  /** Signs a batch, spread over the workers in chunks; the results keep the input's order. */
  signCredentials(request: SignRequest): Promise<SignedCredential[]>;
  /**
   * Makes a hosted task (a verification's signature checks: verify/signature-check.ts) on a worker, as an interactive task; a
   * worker lost with it earns one more try. Undefined when the caller should make it on its own thread: the pool has
   * no worker (size 0), is closed, lost the task twice, has a bulk chunk waiting (verifications, asked for by anyone,
   * never hold a bulk job back) or already makes as many hosted tasks as it has workers. So none is lost.
   */
  host<Outcome>(task: HostedTask): Promise<Outcome | undefined>;
  /** Takes new key material (a rotation) without a restart: tasks asked for from now on are signed with it. */
  updateKeys(keys: KeyringMaterial): Promise<void>;
  /** Lets running tasks finish, then stops the workers. */
  close(): Promise<void>;
};

/** A credential the pool could not sign (bad input or a key generation it does not hold): never retried. */
export class SigningError extends Error {
  override name = "SigningError";
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/**
 * The worker's module and how to start it: beside this one, in TypeScript (tsx) when this module runs from its
 * source (tests, `npm start`), else the built JavaScript. `--disable-proto=delete` cannot be given to a worker (Node
 * refuses it in a worker's execArgv, being a process option): a process started with it has no accessor in any
 * thread, and the worker module removes it itself otherwise (harden-process.ts).
 */
function workerRuntime(workerModule?: URL): { filename: string; execArgv: string[] } {
  const typescript = import.meta.url.endsWith(".ts");
  const filename = workerModule ?? new URL(`./signing-worker.${typescript ? "ts" : "js"}`, import.meta.url);
  const source = filename.pathname.endsWith(".ts");
  return { filename: filename.href, execArgv: source ? ["--import", import.meta.resolve("tsx")] : [] };
}

/** Where a task stands in the queue: piscina reads it from the task (not sent to the worker: a symbol key). */
type QueueOptions = { priority: SigningPriority };

function priorityOf(task: PiscinaTask): SigningPriority {
  return (task[Piscina.queueOptionsSymbol as never] as QueueOptions | null)?.priority ?? "interactive";
}

/**
 * piscina's queue of tasks waiting for a worker, in two lanes: interactive tasks, first come first served, then bulk
 * tasks, first come first served. A task piscina could not place goes back to the head of its own lane.
 */
export class PriorityTaskQueue implements TaskQueue {
  readonly #lanes: Record<SigningPriority, PiscinaTask[]> = { interactive: [], bulk: [] };

  get size(): number {
    return this.#lanes.interactive.length + this.#lanes.bulk.length;
  }

  push(task: PiscinaTask): void {
    this.#lanes[priorityOf(task)].push(task);
  }

  unshift(task: PiscinaTask): void {
    this.#lanes[priorityOf(task)].unshift(task);
  }

  shift(): PiscinaTask | null {
    return this.#lanes.interactive.shift() ?? this.#lanes.bulk.shift() ?? null;
  }

  remove(task: PiscinaTask): void {
    const lane = this.#lanes[priorityOf(task)];
    const at = lane.indexOf(task);
    if (at !== -1) {
      lane.splice(at, 1);
    }
  }
}

function startThreads(options: SigningPoolOptions, keys: KeyringMaterial, size: number): Piscina {
  const { filename, execArgv } = workerRuntime(options.workerModule);
  const workerData: SigningWorkerData = { keys };
  const piscina = new Piscina({
    filename,
    execArgv,
    workerData,
    minThreads: size,
    maxThreads: size,
    concurrentTasksPerWorker: options.tasksPerWorker ?? DEFAULT_TASKS_PER_WORKER,
    resourceLimits: options.resourceLimits,
    niceIncrement: options.niceIncrement ?? DEFAULT_NICE_INCREMENT,
    // Interactive tasks before bulk ones, each first come first served (by default piscina sends a task it could not
    // place to the back of its queue).
    taskQueue: new PriorityTaskQueue(),
    stricterFIFO: true,
  });
  // A worker that dies with no task of ours is reported here; one that held tasks fails them (retried below).
  piscina.on("error", () => {});
  return piscina;
}

/** Starts a pool of signing threads and waits until one has answered, with its keys and its hardening in place. */
async function startWorkers(options: SigningPoolOptions, keys: KeyringMaterial, size: number): Promise<Piscina> {
  const piscina = startThreads(options, keys, size);
  const probe = (await piscina.run({ kind: "probe" } satisfies WorkerTask).catch(async (error: unknown) => {
    await piscina.destroy();
    throw error;
  })) as WorkerProbe;
  if (!probe.ok || !probe.hardened) {
    await piscina.destroy();
    throw new Error(
      probe.ok ? "a signing worker runs with Object.prototype.__proto__ (no process hardening)" : probe.error.message,
    );
  }
  return piscina;
}

/** A batch's worker tasks (exported for its tests). */
export function chunksOf(request: SignRequest, chunkSize: number, workers: number): SigningChunk[] {
  const { created, generation } = request;
  const count = credentialCount(request);
  // A small batch is shared evenly over the workers; a large one goes in chunks of at most chunkSize, as even as they
  // can be (sizes one apart): 25 at most 8 a chunk is 7, 6, 6 and 6, not 8, 8, 8 and 1 (a round trip for one
  // credential, and one worker's share of the batch a chunk longer than the other's).
  const most = Math.max(1, Math.min(chunkSize, Math.ceil(count / Math.max(1, workers))));
  const n = Math.ceil(count / most);
  const chunks: SigningChunk[] = [];
  for (let c = 0, start = 0; c < n; c++) {
    const end = start + Math.floor(count / n) + (c < count % n ? 1 : 0);
    if ("credentials" in request) {
      chunks.push({ credentials: request.credentials.slice(start, end), created, generation });
    } else {
      // each chunk carries the batch's shared parts (an issuer, an achievement or a few) with its recipes
      const recipes = { ...request.recipes, recipes: request.recipes.recipes.slice(start, end) };
      chunks.push({ recipes, created, generation });
    }
    start = end;
  }
  return chunks;
}

function signedOrThrow(outcome: ChunkOutcome, offset: number): SignedCredential[] {
  if (outcome.ok) {
    return outcome.signed;
  }
  const index = offset + outcome.index;
  throw new SigningError(`credential ${index} could not be signed: ${outcome.error.message}`, index);
}

/** A worker's answer with each signed document parsed from its JSON text when it is first read. */
function fromWire(outcome: WireOutcome): ChunkOutcome {
  return outcome.ok ? { ok: true, signed: signedFromWire(outcome) } : outcome;
}

/** Waits for the event loop to serve I/O: the main thread signing alone still answers requests between chunks. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Creates the signing pool: `size` worker threads through piscina (default: `os.availableParallelism()`), or the main
 * thread for size 0. Private keys reach the workers in memory only, as their `workerData`.
 */
export async function createSigningPool(options: SigningPoolOptions): Promise<SigningPool> {
  const size = options.size ?? availableParallelism();
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const bulkChunkSize = options.bulkChunkSize ?? Math.min(chunkSize, DEFAULT_BULK_CHUNK_SIZE);
  const tasksPerWorker = options.tasksPerWorker ?? DEFAULT_TASKS_PER_WORKER;
  const whole = (n: number, least: number) => Number.isInteger(n) && n >= least;
  if (!whole(size, 0) || !whole(chunkSize, 1) || !whole(bulkChunkSize, 1) || !whole(tasksPerWorker, 1)) {
    throw new Error("the signing pool needs a whole size ≥ 0, and whole chunk sizes and tasks per worker ≥ 1");
  }
  let closed = false;
  let session: SigningSession | undefined = size === 0 ? await createSigningSession(options.keys) : undefined;
  let piscina: Piscina | undefined = size > 0 ? await startWorkers(options, options.keys, size) : undefined;
  /** Bulk chunks handed to piscina and not yet answered, and hosted tasks likewise (see `host`). */
  let bulkPending = 0;
  let hostedPending = 0;

  /** Runs a chunk on a worker; a worker lost with it (exit, crash, out of memory, terminated) earns one more try. */
  const runOnWorker = async (pool: Piscina, chunk: SigningChunk, priority: SigningPriority): Promise<ChunkOutcome> =>
    fromWire(await runWireOnWorker(pool, chunk, priority));
  const runWireOnWorker = async (
    pool: Piscina,
    chunk: SigningChunk,
    priority: SigningPriority,
  ): Promise<WireOutcome> => {
    const queueOptions: QueueOptions = { priority };
    const task: WorkerTask = Object.assign({ kind: "sign", chunk, priority } as const, {
      [Piscina.queueOptionsSymbol]: queueOptions,
    });
    const bulk = priority === "bulk" ? 1 : 0;
    bulkPending += bulk;
    try {
      return (await pool.run(task)) as WireOutcome;
    } catch (error) {
      // Our worker never throws (signing errors come back as outcomes) and the input is plain JSON: a rejection means
      // the worker was lost (with each task it held: each is tried again). The retry goes to the pool of the moment (after a key update, the new one).
      if (closed || !piscina || (error instanceof Error && error.name === "DataCloneError")) {
        throw error;
      }
      options.onWorkerLost?.(error instanceof Error ? error : new Error(String(error)));
      return (await piscina.run(task)) as WireOutcome;
    } finally {
      bulkPending -= bulk;
    }
  };

  const signCredentials = async (request: SignRequest): Promise<SignedCredential[]> => {
    if (closed) {
      throw new Error("the signing pool is closed");
    }
    const priority = request.priority ?? "interactive";
    const chunks = chunksOf(request, priority === "bulk" ? bulkChunkSize : chunkSize, size);
    const offsets: number[] = []; // where each chunk's credentials start in the batch
    for (let i = 0, at = 0; i < chunks.length; at += credentialCount(chunks[i] as SigningChunk), i++) {
      offsets.push(at);
    }
    if (piscina) {
      // As many chunks in flight as the workers hold (one signing, the others waiting in them), the next sent as one
      // comes back: a request signed meanwhile waits in piscina's queue behind none of them, then for the chunk its
      // worker signs, and a failed batch stops sending.
      const pool = piscina;
      const results: SignedCredential[][] = [];
      const failures: { chunk: number; error: unknown }[] = [];
      let next = 0;
      const lane = async () => {
        while (next < chunks.length && failures.length === 0) {
          const i = next++;
          try {
            results[i] = signedOrThrow(
              await runOnWorker(pool, chunks[i] as SigningChunk, priority),
              offsets[i] as number,
            );
          } catch (error) {
            failures.push({ chunk: i, error });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(tasksPerWorker * size, chunks.length) }, lane));
      // Chunks go out in order and those in flight are awaited: the earliest failure is the first bad credential.
      const first = failures.sort((a, b) => a.chunk - b.chunk)[0];
      if (first) {
        throw first.error;
      }
      return results.flat();
    }
    const signer = session as SigningSession; // a batch is signed with the keys of its start, as a worker's would be
    const signed: SignedCredential[] = [];
    for (const [i, chunk] of chunks.entries()) {
      // The library adds the proof to the credential it is given: the caller's stays untouched, as with a worker
      // (recipes are built into new documents).
      const copy = "credentials" in chunk ? { ...chunk, credentials: structuredClone(chunk.credentials) } : chunk;
      signed.push(...signedOrThrow(await signer.signChunk(copy), offsets[i] as number));
      await yieldToEventLoop();
    }
    return signed;
  };

  const host = async <Outcome>(task: HostedTask): Promise<Outcome | undefined> => {
    const run = (pool: Piscina) =>
      pool.run(Object.assign({ ...task }, { [Piscina.queueOptionsSymbol]: { priority: "interactive" } })) as Promise<
        Outcome | undefined
      >;
    if (closed || !piscina || bulkPending > 0 || hostedPending >= size) {
      return undefined;
    }
    hostedPending++;
    try {
      return await run(piscina);
    } catch (error) {
      if (closed || !piscina) {
        return undefined;
      }
      options.onWorkerLost?.(error instanceof Error ? error : new Error(String(error)));
      return await run(piscina).catch(() => undefined);
    } finally {
      hostedPending--;
    }
  };

  return {
    size,
    host,
    get threads() {
      return piscina?.threads ?? [];
    },
    signCredentials,
    signCredential: async ({ credential, created, generation }) => {
      const [signed] = await signCredentials({ credentials: [credential], created, generation });
      return signed as SignedCredential;
    },
    updateKeys: async (keys) => {
      if (!piscina) {
        session = await createSigningSession(keys);
        return;
      }
      // New threads started with the new keys take every task from now on; the old ones finish theirs and stop.
      const previous = piscina;
      piscina = await startWorkers(options, keys, size);
      await previous.close();
    },
    close: async () => {
      closed = true;
      await piscina?.close();
    },
  };
}
