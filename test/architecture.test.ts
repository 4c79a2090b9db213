import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** The module boundaries of ARCHITECTURE.md §3.2, enforced on every import specifier in src/. */
const RULES: Record<string, { banned: RegExp[] }> = {
  "src/domain/": {
    banned: [
      /^hono/,
      /^@hono\//,
      /^drizzle-orm/,
      /^better-sqlite3/,
      /^sharp/,
      /^jose/,
      /^@digitalbazaar\//,
      /^node:fs/,
      /\.\.\/(crypto|storage|baking|services|http|views)\//,
    ],
  },
  "src/crypto/": { banned: [/^hono/, /^@hono\//, /^drizzle-orm/, /\.\.\/(storage|baking|services|http|views)\//] },
  "src/baking/": { banned: [/^hono/, /^@hono\//, /^drizzle-orm/, /\.\.\/(storage|crypto|services|http|views)\//] },
  "src/storage/": {
    banned: [/^hono/, /^@hono\//, /^jose/, /^@digitalbazaar\//, /\.\.\/(crypto|baking|services|http|views)\//],
  },
  "src/services/": { banned: [/^hono/, /^@hono\//, /\.\.\/(http|views)\//] },
  "src/http/": {
    banned: [/^drizzle-orm/, /^better-sqlite3/, /^jose/, /^@digitalbazaar\//, /\/(storage|crypto|baking)\//],
  },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(path) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g;

describe("architecture", () => {
  const files = filesUnder("src").map((f) => relative(".", f));

  it.each(Object.entries(RULES))("%s imports only what its layer may", (folder, { banned }) => {
    const violations: string[] = [];
    let checked = 0;
    for (const file of files.filter((f) => f.startsWith(folder) && !f.endsWith(".d.ts"))) {
      for (const [, specifier] of readFileSync(file, "utf8").matchAll(IMPORT)) {
        checked++;
        if (specifier && banned.some((rule) => rule.test(specifier))) {
          violations.push(`${file} imports ${specifier}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it("only main.ts and cli/ read process.env", () => {
    const readers = files.filter((f) => readFileSync(f, "utf8").includes("process.env"));
    expect(readers.filter((f) => f !== "src/main.ts" && !f.startsWith("src/cli/"))).toEqual([]);
  });
});
