import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { PERMISSIONS, type Principal } from "../../domain/access.js";
import { JOB_KINDS, type JobKind } from "../../domain/jobs/columns.js";
import type { JobFileFormat } from "../../domain/jobs/parse-input.js";
import {
  estimate,
  type JobProgress,
  plainLineDue,
  progressBar,
  progressLine,
  type Sample,
  settled,
} from "../../domain/jobs/progress.js";
import { resultCsvLine, resultJson, resultsCsvHeader } from "../../domain/jobs/results-file.js";
import { AppError } from "../../errors.js";
import type { ServiceContext } from "../../services/deps.js";
import { cancelJob, getJob, type JobView, jobResults, submitJob } from "../../services/jobs.js";
import { runJobs } from "../../services/jobs-runner.js";
import { cliActor } from "../actor.js";
import type { CliIo, CliServices, Command } from "../command.js";

const USAGE = `Usage:
  npm run jobs -- submit FILE --kind awards|evidence [--format csv|jsonl] [--dry-run] [--on-duplicate skip|error]
                 [--results OUT.csv|OUT.json] [--grader-role ROLE] [--idempotency-key KEY] [--no-run]
  npm run jobs -- run ID [--results OUT.csv|OUT.json]     (run a stored job here, or watch the server run it)
  npm run jobs -- status ID [--json]
  npm run jobs -- cancel ID
  npm run jobs -- results ID [--results OUT.csv|OUT.json]  (CSV on standard output without --results)
      The file's columns: see the README (Bulk job files) or GET /admin/jobs/templates/{kind}.csv.
      submit stores the file and its rows, then runs the job in this process (unless a server already runs it: then
      it watches), with a progress bar on a terminal and plain lines otherwise; audited as actor "cli:<login>".
      --grader-role: the role evidence rows are graded as (as an API key's grader role; never from the file).`;

/** How often the progress is read while a job runs (ms). */
const TICK_MS = 500;

type Values = {
  kind?: string;
  format?: string;
  "dry-run": boolean;
  "on-duplicate"?: string;
  results?: string;
  "grader-role"?: string;
  "idempotency-key"?: string;
  "no-run": boolean;
  json: boolean;
};

function formatOf(file: string, given: string | undefined): JobFileFormat {
  if (given !== undefined) {
    if (given !== "csv" && given !== "jsonl") {
      throw new Error(`--format must be csv or jsonl\n${USAGE}`);
    }
    return given;
  }
  const lower = file.toLowerCase();
  if (lower.endsWith(".csv")) {
    return "csv";
  }
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
    return "jsonl";
  }
  throw new Error(`cannot tell CSV from JSONL by the file's name: give --format csv or --format jsonl\n${USAGE}`);
}

/**
 * The operator as a principal: an administrator; with `--grader-role`, every permission granted one by one with that
 * grader role instead (as a grader key's: evidence takes its role from the submitter, and an administrator's
 * records would otherwise carry none).
 */
function cliPrincipal(graderRole: string | undefined): Principal {
  const actor = cliActor();
  const role = graderRole?.trim() || null;
  return {
    kind: "user",
    id: actor,
    actor,
    grants: role
      ? PERMISSIONS.map((permission) => ({ permission, program: null, graderRole: role }))
      : [{ role: "admin", program: null, graderRole: null }],
    rateLimitPerMinute: null,
  };
}

function isActive(job: JobView): boolean {
  return job.status === "queued" || job.status === "running";
}

function summary(job: JobView): string {
  return `Job ${job.id} ${job.status}${job.dryRun ? " (dry run)" : ""}: ${job.total} rows, ${job.done} done, ${job.failed} failed, ${job.skipped} skipped${job.error ? `; ${job.error}` : ""}\n`;
}

/** Shows the job's progress until it ends: a bar redrawn in place on a terminal, plain lines otherwise. */
class ProgressView {
  private readonly samples: Sample[] = [];
  private last: { progress: JobProgress; at: number } | undefined;
  private drawn = false;

  constructor(
    private readonly io: CliIo,
    private readonly jobId: string,
  ) {}

  show(job: JobView): void {
    const now = performance.now();
    const progress: JobProgress = job;
    this.samples.push({ at: now, settled: settled(progress) });
    while (this.samples.length > 200) {
      this.samples.shift();
    }
    const speed = estimate(this.samples, job.total);
    const terminal = this.io.terminal;
    if (terminal) {
      this.io.err(`\r${progressBar(progress, speed, terminal.columns - 1)}\x1b[K`);
      this.drawn = true;
    } else if (plainLineDue(this.last, progress, now)) {
      this.io.err(`${progressLine(this.jobId, progress, speed)}\n`);
      this.last = { progress, at: now };
    }
  }

  end(): void {
    if (this.drawn) {
      this.io.err("\n");
      this.drawn = false;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the job in this process (the runner takes the job's lease: if a server holds it, this only watches) while
 * showing its progress; returns the job as it ended (or as it is when interrupted).
 */
async function runAndWatch(ctx: ServiceContext, io: CliIo, jobId: string): Promise<JobView> {
  const view = new ProgressView(io, jobId);
  let stop = false;
  const interrupt = () => {
    stop = true;
  };
  process.once("SIGINT", interrupt);
  let running = true;
  const run = runJobs(ctx, { jobId, stopping: () => stop }).finally(() => {
    running = false;
  });
  try {
    let job = await getJob(ctx, jobId);
    view.show(job);
    // while this process runs it, then (if another process holds the lease) while the job is still active
    while ((running || isActive(job)) && !stop) {
      await Promise.race([run, sleep(TICK_MS)]);
      job = await getJob(ctx, jobId);
      view.show(job);
      if (!running && isActive(job)) {
        await sleep(TICK_MS);
      }
    }
    await run;
    job = await getJob(ctx, jobId);
    view.show(job);
    view.end();
    if (stop && isActive(job)) {
      io.err(
        `Interrupted: the job stays ${job.status}; \`npm run jobs -- run ${jobId}\` (or a server) takes it up again.\n`,
      );
    }
    return job;
  } finally {
    process.removeListener("SIGINT", interrupt);
    view.end();
  }
}

/** Writes the results file (CSV, or JSON for a .json name) to `path`, or CSV to standard output. */
async function writeResults(ctx: ServiceContext, io: CliIo, jobId: string, path: string | undefined): Promise<void> {
  const json = path?.toLowerCase().endsWith(".json") ?? false;
  const out = path === undefined ? undefined : createWriteStream(path, { mode: 0o600 });
  const write = async (text: string) => {
    if (!out) {
      io.out(text);
    } else if (!out.write(text)) {
      await once(out, "drain");
    }
  };
  const rows = () => jobResults(ctx, jobId);
  if (json) {
    let count = 0;
    await write('{"results":[');
    for await (const row of rows()) {
      await write(`${count++ === 0 ? "\n" : ",\n"}${JSON.stringify(resultJson(row))}`);
    }
    await write("\n]}\n");
  } else {
    await write(resultsCsvHeader());
    for await (const row of rows()) {
      await write(resultCsvLine(row));
    }
  }
  if (out) {
    out.end();
    await once(out, "close");
    io.out(`Results (${json ? "JSON" : "CSV"}, one line per input row): ${path}\n`);
  }
}

async function submit(io: CliIo, services: CliServices, file: string, values: Values): Promise<number> {
  const kind = values.kind as JobKind | undefined;
  if (!kind || !(JOB_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`--kind must be awards or evidence\n${USAGE}`);
  }
  const onDuplicate = values["on-duplicate"] ?? "skip";
  if (onDuplicate !== "skip" && onDuplicate !== "error") {
    throw new Error(`--on-duplicate must be skip or error\n${USAGE}`);
  }
  const format = formatOf(file, values.format);
  const { ctx, close } = await services.open({ signingPool: true });
  try {
    const { job, created } = await submitJob(ctx, {
      kind,
      format,
      body: createReadStream(file),
      fileName: basename(file),
      dryRun: values["dry-run"],
      onDuplicate,
      idempotencyKey: values["idempotency-key"] ?? null,
      principal: cliPrincipal(values["grader-role"]),
    });
    io.out(
      `${created ? "Submitted" : "Already submitted (same idempotency key)"}: job ${job.id}, ${job.total} rows (${job.failed} refused at reading, ${job.skipped} skipped as duplicates).\n`,
    );
    return await finish(ctx, io, job.id, values);
  } finally {
    await close();
  }
}

/** After submitting (or for `run`): runs and watches the job unless told not to, then writes the results. */
async function finish(ctx: ServiceContext, io: CliIo, jobId: string, values: Values): Promise<number> {
  const job = values["no-run"] ? await getJob(ctx, jobId) : await runAndWatch(ctx, io, jobId);
  io.out(summary(job));
  if (values.results !== undefined && !isActive(job)) {
    await writeResults(ctx, io, jobId, values.results);
  }
  return job.status === "done" || (values["no-run"] && isActive(job)) ? 0 : 1;
}

/** A service's refusal names its code; a file refused as a whole says where. */
function failure(error: unknown): string {
  if (error instanceof AppError) {
    return `${error.message}${error.code === "VALIDATION_FAILED" || error.code === "JOB_FILE_INVALID" ? "" : ` (${error.code})`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `npm run jobs`: submit a bulk job file and run it with a progress bar; a job's status, cancel, results. */
export const run: Command = async (argv, io, services) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kind: { type: "string" },
        format: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        "on-duplicate": { type: "string" },
        results: { type: "string" },
        "grader-role": { type: "string" },
        "idempotency-key": { type: "string" },
        "no-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
    });
    const [command, arg, ...rest] = positionals;
    if (!command || !arg || rest.length > 0) {
      throw new Error(USAGE);
    }
    if (command === "submit") {
      return await submit(io, services, arg, values);
    }
    if (!["run", "status", "cancel", "results"].includes(command)) {
      throw new Error(USAGE);
    }
    const { ctx, close } = await services.open({ signingPool: command === "run" });
    try {
      if (command === "run") {
        return await finish(ctx, io, arg, values);
      }
      if (command === "status") {
        const job = await getJob(ctx, arg);
        io.out(values.json ? `${JSON.stringify(job)}\n` : summary(job));
      } else if (command === "cancel") {
        io.out(`Cancelled. ${summary(await cancelJob(ctx, arg, cliActor()))}`);
      } else {
        await getJob(ctx, arg);
        await writeResults(ctx, io, arg, values.results);
      }
      return 0;
    } finally {
      await close();
    }
  } catch (error) {
    io.err(`laurel jobs: ${failure(error)}\n`);
    return 1;
  }
};
