import "../harden-process.js";
import { threadId, workerData } from "node:worker_threads";
import { runVerifyTask, type VerifyOutcome, type VerifyTask } from "../verify/verify-task.js";
import {
  createSigningSession,
  type SigningWorkerData,
  toWire,
  type WireOutcome,
  type WorkerProbe,
  type WorkerTask,
} from "./signing-session.js";

/**
 * A signing worker thread of the pool (signing-pool.ts; piscina loads this module and calls its default export for
 * every task). The key material comes once, with the thread (`workerData`); the worker builds its own signers,
 * document loader and, through signDataIntegrity, its own fast cryptosuite (module state per thread). Process
 * hardening first: a worker is a new JavaScript realm, with an `Object.prototype.__proto__` of its own unless the
 * process runs with `--disable-proto=delete`.
 */
const session = createSigningSession((workerData as SigningWorkerData).keys);
session.catch(() => {}); // a refused key material is answered to every task, below

function refusal(error: unknown): { ok: false; index: number; error: { name: string; message: string } } {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { ok: false, index: 0, error: { name, message: `the signing keys were refused: ${message}` } };
}

/**
 * The tasks this worker holds run one after the other, in the order they came (the pool hands a worker the next task
 * before the one it signs is done: signing-pool.ts, DEFAULT_TASKS_PER_WORKER): each chunk's answer goes back as soon as
 * it is signed, not when the two that would interleave are. A verification (the verifier's task) takes its turn too.
 */
let turn: Promise<unknown> = Promise.resolve();

export default function runSigningTask(
  task: WorkerTask | VerifyTask,
): Promise<WireOutcome | WorkerProbe | VerifyOutcome> {
  const run = turn.then(
    (): Promise<WireOutcome | WorkerProbe | VerifyOutcome> =>
      task.kind === "verify" ? runVerifyTask(task) : runTask(task),
  );
  turn = run.catch(() => undefined);
  return run;
}

async function runTask(task: WorkerTask): Promise<WireOutcome | WorkerProbe> {
  let ready: Awaited<typeof session>;
  try {
    ready = await session;
  } catch (error) {
    return refusal(error);
  }
  if (task.kind === "probe") {
    const hardened = Object.getOwnPropertyDescriptor(Object.prototype, "__proto__") === undefined;
    return { ok: true, threadId, hardened, generations: ready.generations };
  }
  // The documents go back as their JSON text only (signing-pool.ts parses one when it is read).
  return toWire(await ready.signChunk(task.chunk));
}
