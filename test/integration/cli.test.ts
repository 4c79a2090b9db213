import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { runCli, runCommand, throwawayInstallation } from "../helpers/cli.js";

let dir: string;
let env: NodeJS.ProcessEnv;

/** The commands run in process; one test per command (and the server's) spawns it, as an operator would. */
const cli = (script: string, args: string[]) => runCommand(env, script, args);
const spawned = (script: string, args: string[]) => runCli(env, script, args);

beforeAll(async () => {
  ({ dir, env } = throwawayInstallation("laurel-cli-"));
  // First start of the service: database, keys and bootstrap admin key.
  const started = await startServices(loadConfig(env), createLogger({ level: "silent", write: () => {} }));
  expect(started.bootstrapKey?.state).toBe("created");
  await started.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the api-keys CLI", () => {
  it("creates a key (token shown once), lists it without secrets, and revokes it", async () => {
    const created = await cli("api-keys", ["create", "--name", "grader bot", "--scopes", "credentials:issue"]);
    expect(created.code).toBe(0);
    const token = /lrl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
    expect(token).toBeDefined();
    const id = token?.split("_")[1] ?? "";

    const listed = await cli("api-keys", ["list"]);
    expect(listed.stdout).toContain(`${id}  grader bot  [credentials:issue]  active`);
    expect(listed.stdout).toContain("bootstrap admin");
    // the whole 43-character secret (it may itself contain "_", so it is not a split("_") part)
    const secret = token?.slice(`lrl_${id}_`.length) ?? "";
    expect(secret).toHaveLength(43);
    expect(listed.stdout).not.toContain(secret);

    expect((await cli("api-keys", ["revoke", id])).code).toBe(0);
    expect((await cli("api-keys", ["list"])).stdout).toMatch(new RegExp(`${id} {2}grader bot .* revoked`));
    const again = await cli("api-keys", ["revoke", id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No active API key "${id}"`);
  });

  it("creates a grader key that grades as a role, shown in the list", async () => {
    const created = await cli("api-keys", [
      "create",
      "--name",
      "pse",
      "--scopes",
      "evidence:write",
      "--grader-role",
      "ps-engineer",
    ]);
    expect(created.code).toBe(0);
    expect((await cli("api-keys", ["list"])).stdout).toMatch(
      /pse {2}\[evidence:write\] {2}grades as ps-engineer {2}active/,
    );
  });

  it("creates an OAuth client (id and secret shown once), sets and lists per-key rate limits", async () => {
    const created = await cli("api-keys", [
      "create",
      "--name",
      "conformance",
      "--scopes",
      "credentials:issue,credentials:status",
      "--oauth-client",
      "--rate-limit",
      "600",
    ]);
    expect(created.code).toBe(0);
    const id = /client_id=([a-z0-9]{12})/.exec(created.stdout)?.[1] ?? "";
    const secret = /client_secret=([A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1] ?? "";
    expect(secret).toHaveLength(43);
    let listed = (await cli("api-keys", ["list"])).stdout;
    expect(listed).toContain(
      `${id}  conformance  [credentials:issue,credentials:status]  OAuth client  600/min  active`,
    );
    expect(listed).not.toContain(secret);

    expect((await cli("api-keys", ["rate-limit", id, "5000"])).code).toBe(0);
    expect((await cli("api-keys", ["list"])).stdout).toContain("OAuth client  5000/min");
    expect((await cli("api-keys", ["rate-limit", id, "default"])).code).toBe(0);
    listed = (await cli("api-keys", ["list"])).stdout;
    expect(listed).toContain(`${id}  conformance  [credentials:issue,credentials:status]  OAuth client  active`);
    const bad = await cli("api-keys", ["rate-limit", id, "lots"]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("--rate-limit must be a whole number")]);
    const unknown = await cli("api-keys", ["rate-limit", "nosuchkey000", "10"]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('No API key "nosuchkey000"')]);
  });

  it("never creates a database: a wrong LAUREL_DB_PATH is an error", async () => {
    const saved = env;
    env = { ...env, LAUREL_DB_PATH: join(dir, "typo", "laurel.db") };
    const result = await spawned("api-keys", ["list"]);
    env = saved;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no database at");
  });

  it("refuses unknown scopes and missing arguments with the usage", async () => {
    const bad = await cli("api-keys", ["create", "--name", "x", "--scopes", "everything"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown scope(s): everything");
    expect((await cli("api-keys", ["frobnicate"])).stderr).toContain("Usage:");
  });

  it("the first start wrote the bootstrap admin key, readable by the owner only", () => {
    const file = join(dir, "keys", "bootstrap-admin-key.txt");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^lrl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}\n$/);
  });
});

describe("the keys:rotate CLI", () => {
  it("adds a generation and keeps the old one published without its secrets", async () => {
    const rotated = await spawned("rotate-keys", []);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain("New active key: did:web:badges.test#key-2");
    expect(rotated.stdout).toContain("key-1 (retired), key-2 (active)");
    expect(readdirSync(join(dir, "keys")).filter((f) => f.startsWith("issuer-key-"))).toHaveLength(2);
    expect(readFileSync(join(dir, "keys", "issuer-key-1.json"), "utf8")).not.toContain("secretKeyMultibase");
  });

  it("stops with the variable named when the configuration is wrong", async () => {
    const saved = env;
    env = { ...env, LAUREL_PUBLIC_URL: "http://insecure.example" };
    const result = await cli("rotate-keys", []);
    env = saved;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("LAUREL_PUBLIC_URL: must use https");
  });
});

describe("starting the service", () => {
  it("stops with every wrong variable named", async () => {
    const saved = env;
    env = { ...env, PORT: "eighty", LAUREL_ISSUER_EMAIL: "not-an-email" };
    const result = await spawned("main", []);
    env = saved;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("PORT:");
    expect(result.stderr).toContain("LAUREL_ISSUER_EMAIL: must be an email address");
  });

  it("stops on a bad definition file, naming the file and the field", async () => {
    const templates = join(dir, "templates");
    cpSync("templates", templates, { recursive: true });
    const file = join(templates, "achievements", "gitlab-certified-associate.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^level: associate$/m, "level: grandmaster"));
    const saved = env;
    env = { ...env, LAUREL_TEMPLATES_DIR: templates };
    const result = await spawned("main", []);
    env = saved;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gitlab-certified-associate\.yaml: level: /);
  });
});
