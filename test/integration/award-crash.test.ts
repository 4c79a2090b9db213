import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { awardDueEvaluations } from "../../src/services/award-due.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";
import { CHILD_START_MS, startServerOnFreePort } from "../helpers/server-process.js";
import { countRows } from "../helpers/store.js";

const PEOPLE = 12;
const SIGNED_BEFORE_CRASH = 3;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-award-crash-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function associatesPerPerson(dbPath: string): Promise<Map<string, number>> {
  const store = openSqliteStore(dbPath);
  try {
    const db = store.conn();
    const { credentials, recipients } = db.t;
    const rows = await db
      .select({ email: recipients.email, n: sql<number>`count(*)`.mapWith(Number) })
      .from(credentials)
      .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
      .where(eq(credentials.achievementId, "gitlab-certified-associate"))
      .groupBy(recipients.email);
    return new Map(rows.map((r) => [r.email, r.n]));
  } finally {
    await store.close();
  }
}

const everyone = Array.from({ length: PEOPLE }, (_, i) => `person${i}@example.org`);

describe("a process killed between storing evidence and awarding", () => {
  it("is repaired by the restart: everyone whose criteria are met is awarded exactly once", async () => {
    const child = spawn(
      "node",
      ["--import", "tsx", "test/fixtures/crash-during-awards.ts", dir, String(PEOPLE), String(SIGNED_BEFORE_CRASH)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    let errors = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never reached signing: ${errors}`)), CHILD_START_MS);
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("SIGNING")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, signal) => resolve(signal)));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(output).not.toContain("UNREACHABLE");

    const dbPath = join(dir, "laurel.db");
    const beforeRestart = await associatesPerPerson(dbPath);
    // The batch's awards are signed in bulk and stored a write batch at a time (issueCredentials): the crash came
    // while they were being signed, so none of the people's awards, or only a stored batch of them, exists yet.
    const storedBeforeCrash = [...beforeRestart.values()].reduce((a, b) => a + b, 0);
    expect(storedBeforeCrash).toBeLessThan(PEOPLE);
    expect([...beforeRestart.values()].every((n) => n === 1)).toBe(true);

    // The restart: the real server on the same files; it evaluates everyone left due before anything else.
    const { server } = await startServerOnFreePort(
      {
        PATH: process.env.PATH,
        LAUREL_PUBLIC_URL: "https://badges.test",
        LAUREL_DB_PATH: dbPath,
        LAUREL_KEYS_DIR: join(dir, "keys"),
        LAUREL_LOG_LEVEL: "info",
      },
      (stdout) => stdout.includes('"message":"due evaluations"'),
    );
    expect(await server.stop()).toBe(0);
    const line = server
      .output()
      .split("\n")
      .find((l) => l.includes('"message":"due evaluations"'));
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      due: PEOPLE - storedBeforeCrash,
      evaluated: PEOPLE - storedBeforeCrash,
      failed: 0,
      issued: PEOPLE - storedBeforeCrash,
    });
    const afterRestart = await associatesPerPerson(dbPath);
    expect([...afterRestart.keys()].sort()).toEqual([...everyone].sort());
    expect([...afterRestart.values()].every((n) => n === 1)).toBe(true);

    // A second reconciliation changes nothing, even if every person were due again (clears lost in a crash).
    const started = await startServices(
      loadConfig({
        LAUREL_PUBLIC_URL: "https://badges.test",
        LAUREL_DB_PATH: dbPath,
        LAUREL_KEYS_DIR: join(dir, "keys"),
      }),
      createLogger({ level: "silent", write: () => {} }),
    );
    try {
      expect(await awardDueEvaluations(started.ctx)).toEqual({ due: 0, evaluated: 0, failed: 0, awarded: [] });
      const { store } = started.ctx;
      const { evaluationsDue, evidence } = store.conn().t;
      const people = await store.conn().selectDistinct({ email: evidence.personEmail }).from(evidence);
      await store.tx((tx) =>
        tx
          .insert(evaluationsDue)
          .values(people.map(({ email }) => ({ personEmail: email, mark: "lost", markedAt: new Date(0) }))),
      );
      expect(await awardDueEvaluations(started.ctx)).toEqual({
        due: PEOPLE,
        evaluated: PEOPLE,
        failed: 0,
        awarded: [],
      });
      expect(await countRows(store, "evaluations_due")).toBe(0);
    } finally {
      await started.close();
    }
    expect(await associatesPerPerson(dbPath)).toEqual(afterRestart);
    // two children start (the crashing one, then the server), each allowed CHILD_START_MS on a loaded machine
  }, 240_000);
});
