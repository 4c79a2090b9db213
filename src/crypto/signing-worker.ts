import "../harden-process.js";
import { threadId, workerData } from "node:worker_threads";
import { runSignatureTask, type SignatureTask, type SignatureTaskOutcome } from "../verify/signature-check.js";
import type { SigningPriority } from "./signing-pool.js";
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
 * The tasks this worker holds and has not started, by priority (the pool hands a worker its next tasks before the one
 * it signs is done: signing-pool.ts, DEFAULT_TASKS_PER_WORKER). They run one after the other: each chunk's answer goes
 * back as soon as it is signed, not when the ones that would interleave are. An interactive task (a request's chunk, a
 * verification, a probe) goes before every bulk chunk held, so a worker may hold several bulk chunks (work for while the
 * main thread stores a batch without yielding) without a request waiting for more than the chunk being signed.
 */
const waiting: Record<SigningPriority, (() => void)[]> = { interactive: [], bulk: [] };
let busy = false;

function startNext(): void {
  const start = waiting.interactive.shift() ?? waiting.bulk.shift();
  busy = start !== undefined;
  start?.();
}

/** Runs `run` once the tasks held before it (of its lane, and every interactive one) have run. */
export function inTurn<T>(priority: SigningPriority, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    waiting[priority].push(() => {
      let running: Promise<T>;
      try {
        running = run();
      } catch (error) {
        running = Promise.reject(error); // the next task still gets its turn
      }
      running.then(resolve, reject).finally(startNext);
    });
    if (!busy) {
      startNext();
    }
  });
}

/** The priority a task is run at in this worker: a bulk job's chunk is `bulk`, anything else interactive. */
export function priorityOf(task: WorkerTask | SignatureTask): SigningPriority {
  return task.kind === "sign" && task.priority === "bulk" ? "bulk" : "interactive";
}

export default function runSigningTask(
  task: WorkerTask | SignatureTask,
): Promise<WireOutcome | WorkerProbe | SignatureTaskOutcome> {
  return inTurn(priorityOf(task), () => runNow(task));
}

/** Runs a task now (runSigningTask runs it in its turn). */
export function runNow(task: WorkerTask | SignatureTask): Promise<WireOutcome | WorkerProbe | SignatureTaskOutcome> {
  // a verification's signature checks (verify/signature-check.ts), or signing
  return task.kind === "signatures" ? runSignatureTask(task) : runTask(task);
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
