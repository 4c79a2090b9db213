/** Structured JSON-lines logging. Callers pass fields explicitly; request headers and bodies are never logged. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = Record<Exclude<LogLevel, "silent">, (message: string, fields?: LogFields) => void>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(options: { level: LogLevel; write: (line: string) => void; now?: () => Date }): Logger {
  const now = options.now ?? (() => new Date());
  const emit = (level: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields) => {
    if (RANK[level] >= RANK[options.level]) {
      options.write(`${JSON.stringify({ ...fields, time: now().toISOString(), level, message })}\n`);
    }
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
