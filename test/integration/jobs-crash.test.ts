import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";
import { type ServerProcess, startServerOnFreePort } from "../helpers/server-process.js";

/**
 * Issue 17's crash test: a 5,000-row awards job, its server SIGKILLed three times while it runs and restarted each
 * time. The job is stored with its rows before it is answered, each batch's credentials commit with their rows'
 * outcomes, and a row's credential id is chosen at submission: after the restarts the job finishes with one outcome
 * per row, no credential twice, no status index twice, and one audit entry per credential. (SQLite: one process.)
 */
const ROWS = 5000;
/** The server is killed once this many rows are done (a kill lands wherever the job is then). */
const KILL_AT = [800, 2000, 3200];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-jobs-crash-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Job = { id: string; status: string; total: number; done: number; failed: number; skipped: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a bulk awards job whose server is killed three times", () => {
  it("finishes with 5,000 outcomes, no credential or status index twice, one audit entry per credential", async () => {
    const env = {
      PATH: process.env.PATH,
      LAUREL_PUBLIC_URL: "https://badges.test",
      LAUREL_DB_PATH: join(dir, "laurel.db"),
      LAUREL_KEYS_DIR: join(dir, "keys"),
      LAUREL_LOG_LEVEL: "warn",
      LAUREL_SIGNING_THREADS: "1",
      // a restarted server takes the job over after this (its killed predecessor's lease must run out first)
      LAUREL_LEASE_SECONDS: "3",
    };
    const ready = (out: string) => out.includes("Laurel is running");
    let { server, port }: { server: ServerProcess; port: number } = await startServerOnFreePort(env, ready);
    const token = readFileSync(join(dir, "keys", "bootstrap-admin-key.txt"), "utf8").trim();
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      });
    try {
      const rows = Array.from({ length: ROWS }, (_, i) => `gitlab-certified-associate,p${i}@example.org,Person ${i}`);
      const submitted = await call("/admin/jobs?kind=awards", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: `certification,email,name\n${rows.join("\n")}\n`,
      });
      expect(submitted.status, await submitted.clone().text()).toBe(202);
      const { id } = (await submitted.json()) as Job;
      const progress = async () => (await (await call(`/admin/jobs/${id}`)).json()) as Job;

      for (const at of KILL_AT) {
        // wait until the job has done `at` rows (it resumes within a lease period after each restart)
        for (let job = await progress(); job.done < at; job = await progress()) {
          expect(job.status, "the job ended before the server was killed").toMatch(/queued|running/);
          await sleep(100);
        }
        const killed = new Promise((resolve) => server.child.on("exit", (_c, signal) => resolve(signal)));
        server.child.kill("SIGKILL");
        expect(await killed).toBe("SIGKILL");
        ({ server, port } = await startServerOnFreePort(env, ready));
      }
      let job = await progress();
      for (
        const started = Date.now();
        job.status !== "done" && Date.now() - started < 300_000;
        job = await progress()
      ) {
        await sleep(250);
      }
      expect(job).toMatchObject({ status: "done", total: ROWS, done: ROWS, failed: 0, skipped: 0 });
      // the results file: exactly one line per input line (after its header)
      const csv = await (await call(`/admin/jobs/${id}/results.csv`)).text();
      const lines = csv.trimEnd().split("\r\n");
      expect(lines).toHaveLength(ROWS + 1);
      expect(lines.slice(1).every((line) => line.includes(",issued,"))).toBe(true);
    } finally {
      await server.stop();
    }

    const store = openSqliteStore(env.LAUREL_DB_PATH);
    try {
      const db = store.conn();
      const one = async (query: ReturnType<typeof sql>) => Number(((await db.all(query)) as [{ n: number }])[0].n);
      expect(await one(sql`select count(*) as n from job_rows where state = 'done'`)).toBe(ROWS);
      expect(await one(sql`select count(*) as n from credentials`)).toBe(ROWS);
      // every row's credential is the one stored under its chosen id, each person holds exactly one
      expect(
        await one(sql`select count(distinct c.id) as n from job_rows r join credentials c on c.id = r.credential_id`),
      ).toBe(ROWS);
      expect(await one(sql`select count(distinct recipient_id) as n from credentials`)).toBe(ROWS);
      // no status index handed out twice: each credential has its own revocation entry
      expect(await one(sql`select count(*) as n from status_entries where credential_id is not null`)).toBe(ROWS);
      expect(
        await one(
          sql`select count(distinct list_id || '/' || idx) as n from status_entries where credential_id is not null`,
        ),
      ).toBe(ROWS);
      expect(await one(sql`select count(distinct credential_id) as n from status_entries`)).toBe(ROWS);
      // one audit entry per issued credential
      expect(await one(sql`select count(*) as n from audit_log where action = 'credential.issued'`)).toBe(ROWS);
      expect(
        await one(sql`select count(distinct target_id) as n from audit_log where action = 'credential.issued'`),
      ).toBe(ROWS);
    } finally {
      await store.close();
    }
  }, 900_000);
});
