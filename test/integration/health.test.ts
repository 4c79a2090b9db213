import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordKeyGeneration } from "../../src/storage/key-generations-repo.js";
import { onPostgres } from "../helpers/database.js";
import { readProblem } from "../helpers/http.js";
import { makeTestApp, sqliteOf, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
let closed = false;
beforeEach(async () => {
  t = await makeTestApp();
  closed = false;
});
afterEach(async () => {
  if (!closed) {
    await t.close();
  }
});

type Ready = { status: string; checks: Array<{ name: string; ok: boolean; detail: string }> };

async function notReady(res: Response): Promise<Ready & { code: string; detail: string }> {
  expect(res.status).toBe(503);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return (await readProblem(res)) as unknown as Ready & { code: string; detail: string };
}

describe("health endpoints", () => {
  it("/healthz answers 200 while the process runs, without asking the database", async () => {
    await t.close();
    closed = true;
    const res = await t.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("/readyz answers 200 when the database answers, is migrated, and the keys are the newest generation", async () => {
    const res = await t.app.request("/readyz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Ready;
    expect(body.status).toBe("ready");
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ["shutdown", true],
      ["database", true],
      ["migrations", true],
      ["keys", true],
    ]);
    expect(body.checks.find((c) => c.name === "keys")?.detail).toBe("loaded (signing with generation 1)");
  });

  it("/readyz answers a 503 problem while shutting down", async () => {
    t.ctx.state.lifecycle.shuttingDown = true;
    const problem = await notReady(await t.app.request("/readyz"));
    expect(problem.code).toBe("NOT_READY");
    expect(problem.detail).toBe("Not ready: shutdown (shutting down)");
    expect(problem.checks.find((c) => c.name === "shutdown")).toEqual({
      name: "shutdown",
      ok: false,
      detail: "shutting down",
    });
  });

  it("/readyz answers 503 when the database does not answer", async () => {
    await t.close();
    closed = true;
    const problem = await notReady(await t.app.request("/readyz"));
    expect(problem.checks.map((c) => [c.name, c.ok])).toEqual([
      ["shutdown", true],
      ["database", false],
      ["migrations", false],
      ["keys", true],
    ]);
    expect(problem.detail).toContain("database (unreachable)");
  });

  it.skipIf(onPostgres)("/readyz answers 503 when the database lacks a migration of this version", async () => {
    // SQLite-only: the migrations journal is edited by hand, as a database restored from an older backup would be.
    sqliteOf(t.store).exec(
      "delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)",
    );
    const problem = await notReady(await t.app.request("/readyz"));
    expect(problem.checks.find((c) => c.name === "migrations")).toEqual({
      name: "migrations",
      ok: false,
      detail: "the database lacks migrations of this version",
    });
  });

  it("/readyz answers 503 when a newer key generation is recorded than this node can load", async () => {
    // Another node rotated, but this node's keys folder (the default, without that generation) is not the shared one.
    await t.store.tx((tx) =>
      recordKeyGeneration(tx, { generation: 7, activatedAt: t.clock.now(), activatedBy: "cli:test" }),
    );
    t.clock.advance(60_000);
    const problem = await notReady(await t.app.request("/readyz"));
    expect(problem.checks.find((c) => c.name === "keys")).toEqual({
      name: "keys",
      ok: false,
      detail: "key generation 7 is the newest recorded, but it could not be loaded from the keys folder",
    });
    // It keeps signing with the keys it has, and says so once in the log, naming no key material.
    const line = t.logLines.find((l) => l.includes("issuer keys not reloaded"));
    expect(line).toBeDefined();
    expect(line).not.toMatch(/secretKey|"d":/);
  });

  it("a passing probe is not logged; a failing one is", async () => {
    await t.app.request("/healthz");
    await t.app.request("/readyz");
    expect(t.logLines.filter((l) => l.includes('"request"') || l.includes("/readyz"))).toEqual([]);
    t.ctx.state.lifecycle.shuttingDown = true;
    await t.app.request("/readyz");
    expect(t.logLines.filter((l) => l.includes("/readyz"))).toHaveLength(1);
  });
});
