/** Structured JSON-lines logging. Callers pass fields explicitly; request headers and bodies are never logged. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = Record<Exclude<LogLevel, "silent">, (message: string, fields?: LogFields) => void>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Anything shaped like an e-mail address (also percent-encoded) or one of our API keys. */
const PERSONAL = /[^\s"'<>()[\]@,;:/\\]+(?:@|%40)[^\s"'<>()[\]@,;:/\\]+|lrl_[A-Za-z0-9_-]+/gi;

/**
 * The last line of defence: call sites log ids and route patterns, never addresses or keys; should one slip into a
 * value (an error message quoting its input), it is masked before the line is written.
 */
function redact(value: string): string {
  return value.replace(PERSONAL, "[redacted]");
}

export function createLogger(options: { level: LogLevel; write: (line: string) => void; now?: () => Date }): Logger {
  const now = options.now ?? (() => new Date());
  const emit = (level: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields) => {
    if (RANK[level] >= RANK[options.level]) {
      const safe = Object.fromEntries(
        Object.entries(fields ?? {}).map(([k, v]) => [k, typeof v === "string" ? redact(v) : v]),
      );
      options.write(`${JSON.stringify({ ...safe, time: now().toISOString(), level, message: redact(message) })}\n`);
    }
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
