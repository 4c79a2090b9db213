import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { type CliIo, cliServices } from "../../src/cli/command.js";
import { run as jobs } from "../../src/cli/commands/jobs.js";
import { loadConfig } from "../../src/config.js";
import { looksLikeFormula } from "../../src/domain/jobs/csv-write.js";
import { createLogger } from "../../src/logger.js";
import { runCli, runCommand, throwawayInstallation } from "../helpers/cli.js";

let dir: string;
let env: NodeJS.ProcessEnv;
const cli = (args: string[]) => runCommand(env, "jobs", args);
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  ({ dir, env } = throwawayInstallation("laurel-jobs-cli-"));
  const started = await startServices(loadConfig(env), createLogger({ level: "silent", write: () => {} }));
  await started.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AWARD = "gitlab-certified-associate";

describe("npm run jobs", () => {
  it("submits an awards file, runs it with plain progress lines, and writes one result line per input row", async () => {
    const rows = [
      "certification,email,name,externalId",
      ...Array.from({ length: 12 }, (_, i) => `${AWARD},person${i}@example.org,Person ${i},row-${i}`),
      `${AWARD},not-an-address,Nobody,row-bad`,
      `${AWARD},eve@example.org,Eve,"=HYPERLINK(""http://evil.example"",""x"")"`,
      `${AWARD},person0@example.org,Person 0,row-0`,
    ];
    const input = file("awards.csv", `${rows.join("\r\n")}\r\n`);
    const out = join(dir, "awards-results.csv");
    const result = await cli(["submit", input, "--kind", "awards", "--results", out]);
    expect(result.stderr).not.toContain("laurel jobs:");
    expect(result.code).toBe(0);
    const id = /job ([0-9a-f-]{36})/.exec(result.stdout)?.[1] ?? "";
    expect(result.stdout).toContain(`Submitted: job ${id}, 15 rows (2 refused at reading, 1 skipped as duplicates).`);
    expect(result.stdout).toContain(`Job ${id} done: 15 rows, 12 done, 2 failed, 1 skipped`);
    // plain lines (not a terminal): no carriage return, the last one says done
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).toMatch(new RegExp(`job ${id} done: 15/15 rows \\(12 done, 2 failed, 1 skipped\\)`));

    const table = parse(readFileSync(out, "utf8")) as string[][];
    expect(table[0]).toEqual(["line", "externalId", "outcome", "credentialId", "credentialUrl", "error"]);
    expect(table).toHaveLength(1 + 15);
    expect(table.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 15 }, (_, i) => String(i + 2)));
    expect(table[1]?.[2]).toBe("issued");
    expect(table[1]?.[4]).toBe(`https://badges.test/credentials/${table[1]?.[3]}`);
    expect(table[13]?.slice(2)).toEqual(["failed", "", "", "email: must be a valid email address"]);
    // the injection is neutralised in the results file: no cell a spreadsheet would run
    expect(table[14]?.[1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(table.flat().filter(looksLikeFormula)).toEqual([]);
    expect(table[15]?.[2]).toBe("skipped");

    const status = await cli(["status", id, "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: "done", total: 15, done: 12, failed: 2, skipped: 1 });
    const csv = await cli(["results", id]);
    expect(csv.stdout.trimEnd().split("\r\n")).toHaveLength(16);
    const json = join(dir, "awards-results.json");
    expect((await cli(["results", id, "--results", json])).code).toBe(0);
    const { results } = JSON.parse(readFileSync(json, "utf8")) as { results: { line: number; outcome: string }[] };
    expect(results.map((r) => r.line)).toEqual(Array.from({ length: 15 }, (_, i) => i + 2));

    const cancel = await cli(["cancel", id]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toMatch(/only a queued or running job can be cancelled \(CONFLICT\)/);
  });

  it("refuses a file that cannot be read as a whole, saying why and where", async () => {
    const input = file("semicolons.csv", `certification;email;name\n${AWARD};a@example.org;A\n`);
    const result = await cli(["submit", input, "--kind", "awards"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "laurel jobs: the columns are separated by semicolons (;), not commas: save the file as comma-separated values (in a spreadsheet: CSV UTF-8, comma delimited) (line 1)\n",
    );
    expect((await cli(["submit", input])).stderr).toMatch(/--kind must be awards or evidence/);
    expect((await cli(["submit", join(dir, "x.txt"), "--kind", "awards"])).stderr).toMatch(/give --format csv/);
  });

  it("records an evidence file graded as the operator's --grader-role and reports the credentials it completed", async () => {
    const input = file(
      "evidence.jsonl",
      [
        {
          kind: "assessment",
          externalId: "w-1",
          email: "grace@example.org",
          name: "Grace Hopper",
          occurredAt: "2026-03-02T14:00:00Z",
          assessment: "gitlab-associate-written",
          score: 91,
        },
        {
          kind: "assessment",
          externalId: "l-1",
          email: "grace@example.org",
          occurredAt: "2026-03-05T10:00:00Z",
          assessment: "gitlab-associate-lab",
          passed: true,
        },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const dry = await cli(["submit", input, "--kind", "evidence", "--dry-run", "--grader-role", "ps-engineer"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/done \(dry run\): 2 rows, 2 done/);
    const out = join(dir, "evidence-results.csv");
    const result = await cli(["submit", input, "--kind", "evidence", "--grader-role", "ps-engineer", "--results", out]);
    expect(result.code).toBe(0);
    const table = parse(readFileSync(out, "utf8")) as string[][];
    expect(table).toHaveLength(3);
    expect(table.slice(1).map((r) => r[2])).toEqual(["recorded", "recorded"]);
    const awarded = table.slice(1).find((r) => /^[0-9a-f-]{36}$/.test(r[3] ?? ""));
    expect(awarded?.[4]).toBe(`https://badges.test/credentials/${awarded?.[3]}`);
  });

  it("draws a progress bar with rate and ETA on a terminal", async () => {
    const input = file(
      "tty.csv",
      `certification,email,name\n${Array.from({ length: 5 }, (_, i) => `${AWARD},tty${i}@example.org,T ${i}`).join("\n")}\n`,
    );
    let stderr = "";
    let stdout = "";
    const io: CliIo = {
      out: (t) => {
        stdout += t;
      },
      err: (t) => {
        stderr += t;
      },
      terminal: { columns: 100 },
    };
    expect(await jobs(["submit", input, "--kind", "awards"], io, cliServices(env, io))).toBe(0);
    expect(stdout).toMatch(/done: 5 rows, 5 done/);
    expect(stderr.startsWith("\r[")).toBe(true);
    expect(stderr.endsWith("\u001b[K\n")).toBe(true);
    expect(stderr).toMatch(/\[#{30}\] 100% {2}5\/5 {2}.* rows\/s {2}ETA /);
  });

  it("runs as its own process (npm run jobs)", async () => {
    const result = await runCli(env, "jobs", ["status", "00000000-0000-4000-8000-000000000000"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^laurel jobs: No job "00000000-0000-4000-8000-000000000000" \(NOT_FOUND\)/);
  });
});
