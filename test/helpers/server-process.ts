import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * How long a child process of a test (src/main.ts, a CLI command, a fixture script, each through tsx) may take to start
 * before the test gives up on it: a guard against a child that never gets there, not a claim about its speed. A fresh
 * server started in ~5 s on this 2-core machine beside other work, but in 21-30 s with four busy loops beside it, where
 * the 25 s this guard was failed the shutdown test ("server not ready"). Below the 90 s test timeout, so that a child
 * that hangs is reported with what it printed.
 */
export const CHILD_START_MS = 80_000;

/** A loopback port that was free a moment ago (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export type ServerProcess = {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM unless it already exited, then its exit code. */
  stop: () => Promise<number | null>;
  /** Its exit code once it exits by itself (e.g. after a signal the test sent). */
  exited: Promise<number | null>;
};

/**
 * Starts `src/main.ts` (through tsx) with `env` (and `nodeOptions` for node itself, e.g. `--cpu-prof`), resolving once its standard output satisfies `ready`; rejects with
 * what it printed when it exits first or is not ready within `readyWithinMs` (CHILD_START_MS unless given).
 */
export function startServer(
  env: NodeJS.ProcessEnv,
  ready: (stdout: string) => boolean,
  nodeOptions: string[] = [],
  readyWithinMs = CHILD_START_MS,
): Promise<ServerProcess> {
  const child = spawn("node", [...nodeOptions, "--import", "tsx", "src/main.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
    }
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`server not ready within ${readyWithinMs} ms:\n${stdout}\n${stderr}`));
    }, readyWithinMs);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready(stdout)) {
        clearTimeout(timer);
        resolve({ child, output: () => stdout, stop, exited });
      }
    });
    // on "close" (its output read to the end, which "exit" may precede), so that the message holds all it printed
    child.once("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready:\n${stdout}\n${stderr}`));
    });
  });
}

/**
 * startServer on a port freePort just found, with that port. The port is free when found but not held until the child
 * listens on it, seconds later (longer on a loaded machine), and any process may take it meanwhile: when the child
 * then says the port is in use, this tries again on another (three times in all). Any other failure is thrown as is.
 */
export async function startServerOnFreePort(
  env: NodeJS.ProcessEnv,
  ready: (stdout: string) => boolean,
): Promise<{ server: ServerProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { server: await startServer({ ...env, PORT: String(port) }, ready), port };
    } catch (error) {
      if (attempt >= 3 || !String(error).includes(`port ${port} on`) || !String(error).includes("already in use")) {
        throw error;
      }
    }
  }
}
