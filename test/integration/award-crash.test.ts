import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { awardDueEvaluations } from "../../src/services/award-due.js";
import { openDb } from "../../src/storage/db.js";
import { freePort, startServer } from "../helpers/server-process.js";

const PEOPLE = 12;
const SIGNED_BEFORE_CRASH = 3;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-award-crash-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function associatesPerPerson(dbPath: string): Map<string, number> {
  const { db, close } = openDb(dbPath);
  try {
    const rows = db.$client
      .prepare(
        `select r.email, count(*) n from credentials c join recipients r on r.id = c.recipient_id
         where c.achievement_id = 'gitlab-certified-associate' group by r.email`,
      )
      .all() as Array<{ email: string; n: number }>;
    return new Map(rows.map((r) => [r.email, r.n]));
  } finally {
    close();
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
      const timer = setTimeout(() => reject(new Error(`child never reached signing: ${errors}`)), 25_000);
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
    const beforeRestart = associatesPerPerson(dbPath);
    expect([...beforeRestart.values()].reduce((a, b) => a + b, 0)).toBe(SIGNED_BEFORE_CRASH);

    // The restart: the real server on the same files; it evaluates everyone left due before anything else.
    const server = await startServer(
      {
        PATH: process.env.PATH,
        PORT: String(await freePort()),
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
      due: PEOPLE - SIGNED_BEFORE_CRASH,
      evaluated: PEOPLE - SIGNED_BEFORE_CRASH,
      failed: 0,
      issued: PEOPLE - SIGNED_BEFORE_CRASH,
    });
    const afterRestart = associatesPerPerson(dbPath);
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
      started.ctx.db.$client
        .prepare(
          "insert into evaluations_due (person_email, mark, marked_at) select distinct person_email, 'lost', 0 from evidence",
        )
        .run();
      expect(await awardDueEvaluations(started.ctx)).toEqual({
        due: PEOPLE,
        evaluated: PEOPLE,
        failed: 0,
        awarded: [],
      });
      expect(started.ctx.db.$client.prepare("select count(*) n from evaluations_due").get()).toEqual({ n: 0 });
    } finally {
      started.close();
    }
    expect(associatesPerPerson(dbPath)).toEqual(afterRestart);
  }, 60_000);
});
