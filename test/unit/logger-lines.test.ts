import { describe, expect, it } from "vitest";
import { createLogger, type LogFields } from "../../src/logger.js";

/** The logger's line as it was built before (entries, fromEntries, a spread; the pattern run on every string). */
const PERSONAL = /[^\s"'<>()[\]@,;:/\\]+(?:@|%40)[^\s"'<>()[\]@,;:/\\]+|lrl_[A-Za-z0-9_-]+/gi;
const redact = (value: string) => value.replace(PERSONAL, "[redacted]");
function lineBefore(level: string, message: string, fields: LogFields | undefined, time: Date): string {
  const safe = Object.fromEntries(
    Object.entries(fields ?? {}).map(([k, v]) => [k, typeof v === "string" ? redact(v) : v]),
  );
  return `${JSON.stringify({ ...safe, time: time.toISOString(), level, message: redact(message) })}\n`;
}

describe("the logger's lines", () => {
  it("are the lines it wrote before, byte for byte, redaction, field order and overriding names included", () => {
    const time = new Date("2026-03-02T09:30:00.250Z");
    const written: string[] = [];
    const logger = createLogger({ level: "debug", write: (line) => written.push(line), now: () => time });
    const cases: Array<[string, LogFields | undefined]> = [
      [
        "request",
        { requestId: "5f0c2a3e-9d1b-4c8e", method: "GET", path: "/.well-known/did.json", status: 200, ms: 0.4 },
      ],
      ["request", { path: "/admin/people/ada@example.org/progress", status: 404 }],
      ["mail to ada@example.org failed", { to: "ada%40example.org", key: "LRL_abcDEF-12_x", other: "x lrl_q y" }],
      ["key", { note: "an API key lrl_ZZZ and ada@b.c together", flag: true, none: null, gone: undefined }],
      ["overrides", { message: "mine", time: "then", level: "trace", first: 1 }],
      ["integer keys", { b: "1", 2: "two", a: "x", 1: "one" } as unknown as LogFields],
      ["no fields", undefined],
      ["empty", {}],
      ["odd", { at: "@", pct: "%40", lrl: "lrl_", mixed: "Lrl_x@y", long: `${"a".repeat(300)}@${"b".repeat(300)}` }],
    ];
    const expected: string[] = [];
    for (const [message, fields] of cases) {
      for (const level of ["debug", "info", "warn", "error"] as const) {
        logger[level](message, fields);
        expected.push(lineBefore(level, message, fields, time));
      }
    }
    expect(written).toEqual(expected);
    expect(written.join("")).not.toMatch(/ada@example|%40example|lrl_abc|LRL_abc|lrl_ZZZ/);
    // a "__proto__" field stays a field, as fromEntries and the spread kept it
    const proto = JSON.parse('{"__proto__": "p", "x": "ada@example.org"}') as LogFields;
    logger.info("proto", proto);
    expect(written.at(-1)).toBe(lineBefore("info", "proto", proto, time));
  });

  it("writes nothing under its level", () => {
    const written: string[] = [];
    const logger = createLogger({ level: "warn", write: (line) => written.push(line) });
    logger.info("request", { path: "/" });
    logger.debug("x");
    expect(written).toEqual([]);
  });
});
