import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOTSTRAP_CONSOLE_FILE, startServices } from "../../src/bootstrap.js";
import { cliServices } from "../../src/cli/command.js";
import { usersCommand } from "../../src/cli/commands/users.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { signInWithPassword } from "../../src/services/sessions.js";
import { runCli, runCommand, throwawayInstallation } from "../helpers/cli.js";

let dir: string;
let env: NodeJS.ProcessEnv;
const silent = createLogger({ level: "silent", write: () => {} });

async function withServices<T>(fn: (ctx: Awaited<ReturnType<typeof startServices>>["ctx"]) => Promise<T>) {
  const started = await startServices(loadConfig(env), silent);
  try {
    return await fn(started.ctx);
  } finally {
    await started.close();
  }
}

beforeAll(() => {
  ({ dir, env } = throwawayInstallation("laurel-accounts-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the first console admin", () => {
  it("is created on first start with a one-time password written to a 0600 file, never again", async () => {
    const first = await startServices(loadConfig(env), silent);
    await first.close();
    const path = join(dir, "keys", BOOTSTRAP_CONSOLE_FILE);
    expect(first.bootstrapConsole).toEqual({ path, state: "created" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    expect(text).toContain("email:    admin@laurel.local");
    const password = /password: (\S+)/.exec(text)?.[1] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(20);

    const second = await startServices(loadConfig(env), silent);
    await second.close();
    expect(second.bootstrapConsole).toEqual({ path, state: "present" });
    expect(readFileSync(path, "utf8")).toBe(text);

    const signedIn = await withServices((ctx) =>
      signInWithPassword(ctx, { email: "Admin@Laurel.local", password }, { address: "127.0.0.1" }),
    );
    expect(signedIn.mustChangePassword).toBe(true);
  });
});

describe("the users CLI", () => {
  it("creates an account with a one-time password shown once, and lists it without secrets", async () => {
    const created = await runCommand(env, "users", [
      "create",
      "--email",
      "grader@example.org",
      "--role",
      "grader",
      "--program",
      "GitLab Technical Certifications",
      "--grader-role",
      "ps-engineer",
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const password = created.stdout.trim().split("\n").at(-1) ?? "";
    expect(password).toHaveLength(24);
    const listed = await runCommand(env, "users", ["list"]);
    expect(listed.stdout).toMatch(
      /grader@example\.org {2}grader {2}\[grader for GitLab Technical Certifications grades as ps-engineer\] {2}active/,
    );
    expect(listed.stdout).not.toContain(password);
    expect(listed.stdout).not.toContain("argon2");
  });

  it("sets a password read from standard input (never from the arguments)", async () => {
    const command = usersCommand(Readable.from(["correct horse battery staple\n"]));
    let out = "";
    const write = (text: string) => {
      out += text;
    };
    const io = { out: write, err: write };
    const code = await command(
      ["create", "--email", "auditor@example.org", "--role", "auditor", "--password-stdin"],
      io,
      cliServices(env, io),
    );
    expect(code).toBe(0);
    expect(out).not.toContain("one-time");
    const signedIn = await withServices((ctx) =>
      signInWithPassword(
        ctx,
        { email: "auditor@example.org", password: "correct horse battery staple" },
        { address: "127.0.0.1" },
      ),
    );
    expect(signedIn.mustChangePassword).toBe(false);
  });

  it("refuses a wrong role, a program for an admin, a program outside the catalog, and a taken email", async () => {
    const unknownRole = await runCommand(env, "users", ["create", "--email", "x@example.org", "--role", "owner"]);
    expect(unknownRole.code).toBe(1);
    expect(unknownRole.stderr).toContain("unknown role owner");
    const adminProgram = await runCommand(env, "users", [
      "create",
      "--email",
      "x@example.org",
      "--role",
      "admin",
      "--program",
      "GitLab Technical Certifications",
    ]);
    expect(adminProgram.stderr).toContain("program: the admin role covers every program");
    const stranger = await runCommand(env, "users", [
      "create",
      "--email",
      "x@example.org",
      "--role",
      "grader",
      "--program",
      "Cooking",
    ]);
    expect(stranger.stderr).toContain("program: is not a program of the catalog");
    const taken = await runCommand(env, "users", ["create", "--email", "GRADER@example.org", "--role", "auditor"]);
    expect(taken.stderr).toContain("email: an account with this email exists already");
    expect((await runCommand(env, "users", ["list"])).stdout).not.toContain("x@example.org");
  });

  it("disables an account through its own process entry point", async () => {
    const disabled = await runCli(env, "users", ["disable", "grader@example.org"]);
    expect(disabled.stderr).toBe("");
    expect(disabled.stdout).toContain("Disabled grader@example.org");
    expect((await runCommand(env, "users", ["list"])).stdout).toMatch(/grader@example\.org .* disabled /);
  });
});
