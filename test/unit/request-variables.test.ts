import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sources(path);
    }
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * Hono's `c.var` is a getter that copies every request variable into a new object on each read
 * (`Object.fromEntries`); a console page read it a dozen times per request. `c.get("ctx")` reads the one variable.
 */
describe("request variables", () => {
  it("are read with c.get(name), never through the copying c.var getter", () => {
    const offenders = sources("src").flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (/\bc\.var\b/.test(line) ? [`${relative(".", file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
