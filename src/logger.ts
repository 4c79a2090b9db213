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
  // Every match of PERSONAL holds "@", "%40" or "lrl_" (in any case): a value without them is returned as it is,
  // without the pattern's scan (which tries every starting position, at a cost that grows with the square of the
  // value's length, on every field of every request's log line).
  return value.includes("@") || value.includes("%40") || LRL.test(value)
    ? value.replace(PERSONAL, "[redacted]")
    : value;
}
const LRL = /lrl_/i;

export function createLogger(options: { level: LogLevel; write: (line: string) => void; now?: () => Date }): Logger {
  const now = options.now ?? (() => new Date());
  const emit = (level: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields) => {
    if (RANK[level] >= RANK[options.level]) {
      // The fields (their own keys, in order), then time, level and message: a key of the fields with one of those
      // names keeps its place and takes the new value, as `{ ...fields, time, level, message }` would do it. Built in
      // one object without prototype (a "__proto__" field stays a field), not through entries, arrays and a spread.
      const line: Record<string, unknown> = Object.create(null);
      if (fields) {
        for (const k of Object.keys(fields)) {
          const v = fields[k];
          line[k] = typeof v === "string" ? redact(v) : v;
        }
      }
      line.time = now().toISOString();
      line.level = level;
      line.message = redact(message);
      options.write(`${JSON.stringify(line)}\n`);
    }
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
