import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
const hasProtoAccessor = () => Object.getOwnPropertyDescriptor(Object.prototype, "__proto__") !== undefined;

describe("process hardening (--disable-proto=delete)", () => {
  it("runs the tests as the service runs: without Object.prototype.__proto__", () => {
    expect(hasProtoAccessor()).toBe(false);
    const polluted: Record<string, unknown> = {};
    Reflect.set(polluted, "__proto__", { polluted: "yes" }); // what `obj[key] = value` does with key "__proto__"
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(polluted)).toEqual(["__proto__"]);
  });

  it("passes the flag to every npm script that runs Laurel's code", () => {
    const running = Object.entries(pkg.scripts).filter(([, command]) => /^tsx\b/.test(command));
    expect(running.map(([name]) => name).sort()).toEqual(
      [
        "api-keys",
        "audit",
        "bench",
        "credentials",
        "db",
        "dev",
        "events",
        "jobs",
        "keys:rotate",
        "start",
        "users",
      ].sort(),
    );
    for (const [name, command] of running) {
      expect(command, name).toMatch(/^tsx (watch )?--disable-proto=delete /);
    }
  });

  it("removes the accessor itself in a process started without the flag", () => {
    const script = `await import("./src/harden-process.ts");
      console.log(Object.getOwnPropertyDescriptor(Object.prototype, "__proto__") === undefined);`;
    const out = execFileSync("node", ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(out.trim()).toBe("true");
  });
});
