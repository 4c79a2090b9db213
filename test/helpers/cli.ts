import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type CliIo, type Command, cliServices } from "../../src/cli/command.js";
import { run as apiKeys } from "../../src/cli/commands/api-keys.js";
import { run as audit } from "../../src/cli/commands/audit.js";
import { run as credentials } from "../../src/cli/commands/credentials.js";
import { run as events } from "../../src/cli/commands/events.js";
import { run as jobs } from "../../src/cli/commands/jobs.js";
import { run as rotateKeys } from "../../src/cli/commands/rotate-keys.js";
import { run as users } from "../../src/cli/commands/users.js";
import { CHILD_START_MS } from "./server-process.js";

const run = promisify(execFile);

export type CliResult = { stdout: string; stderr: string; code: number };

/** The environment of a throwaway installation (database and keys under a fresh temporary folder). */
export function throwawayInstallation(prefix: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    env: {
      PATH: process.env.PATH,
      LAUREL_DB_PATH: join(dir, "data", "laurel.db"),
      LAUREL_KEYS_DIR: join(dir, "keys"),
      LAUREL_PUBLIC_URL: "https://badges.test",
      // A server started here signs on its main thread: these tests are about starting and stopping, and two signing
      // workers (each loading the signing modules through tsx) would push a start past the command's timeout.
      LAUREL_SIGNING_THREADS: "0",
    },
  };
}

const COMMANDS: Record<string, Command> = {
  "api-keys": apiKeys,
  audit,
  credentials,
  events,
  jobs,
  "rotate-keys": rotateKeys,
  users,
};

/**
 * Runs an operator command in this process, as `src/cli/<script>.ts` runs it in its own (same arguments, environment,
 * output and exit code), without the second or two each node process costs. Each command keeps one test through
 * `runCli`, which proves its process entry point.
 */
export async function runCommand(env: NodeJS.ProcessEnv, script: string, args: string[]): Promise<CliResult> {
  const command = COMMANDS[script];
  if (!command) {
    throw new Error(`no command ${script}`);
  }
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  };
  const code = await command(args, io, cliServices(env, io));
  return { stdout, stderr, code };
}

/**
 * Runs an entry point as an operator would (through tsx, with the npm scripts' `--disable-proto=delete`): `main` is
 * src/main.ts, anything else src/cli/<name>.ts.
 */
export async function runCli(env: NodeJS.ProcessEnv, script: string, args: string[]): Promise<CliResult> {
  const file = script === "main" ? "src/main.ts" : `src/cli/${script}.ts`;
  try {
    const { stdout, stderr } = await run("node", ["--disable-proto=delete", "--import", "tsx", file, ...args], {
      env,
      timeout: CHILD_START_MS, // a guard against a command that hangs (5.5 s measured beside four busy loops)
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}
