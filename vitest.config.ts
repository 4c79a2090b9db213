import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // the same process hardening as every entry point (package.json scripts): no Object.prototype.__proto__
    execArgv: ["--disable-proto=delete"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
