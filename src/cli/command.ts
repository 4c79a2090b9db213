import { type Config, loadConfig } from "../config.js";
import type { ServiceContext } from "../services/deps.js";
import { openExistingServices } from "./open-services.js";

/**
 * Where a command writes: its standard output and its error output (a line each, newline included); `terminal` when
 * the error output is a terminal (a progress bar may then redraw itself), with its width.
 */
export type CliIo = { out: (text: string) => void; err: (text: string) => void; terminal?: { columns: number } };

/** How a command reaches the installation: its configuration, and its services, opened only when it needs them. */
export type CliServices = {
  /** The configuration from the environment; throws ConfigError naming every wrong variable. */
  config: () => Config;
  /**
   * The existing installation's services (never creates a database or keys); the caller closes them. `signingPool`:
   * sign over the configured signing threads (a bulk job), instead of on the main thread (a credential or two).
   */
  open: (options?: { signingPool?: boolean }) => Promise<{ ctx: ServiceContext; close: () => Promise<void> }>;
};

/** An operator command: arguments (without node and the script) in, the exit code out; it never exits itself. */
export type Command = (argv: string[], io: CliIo, services: CliServices) => Promise<number>;

/** The installation named by an environment (LAUREL_DB_PATH, LAUREL_KEYS_DIR…); service logs go to `io.err`. */
export function cliServices(env: Record<string, string | undefined>, io: CliIo): CliServices {
  return {
    config: () => loadConfig(env),
    open: (options) => openExistingServices(loadConfig(env), io.err, options),
  };
}

/** Runs a command as its own process: process.argv and process.env in, stdout and stderr out, the exit code set. */
export async function runAsProcess(command: Command): Promise<void> {
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    ...(process.stderr.isTTY ? { terminal: { columns: process.stderr.columns || 80 } } : {}),
  };
  process.exitCode = await command(process.argv.slice(2), io, cliServices(process.env, io));
}

/** The message a failed command prints after its name. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
