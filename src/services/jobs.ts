import { createHash } from "node:crypto";
import type { Principal } from "../domain/access.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { parseJobInput } from "../domain/jobs/parse-input.js";
import type { RowError } from "../domain/jobs/records.js";
import type { ResultRow, RowOutcome } from "../domain/jobs/results-file.js";
import { AppError } from "../errors.js";
import {
  deleteJobRows,
  findJob,
  findJobByKey,
  insertJob,
  insertJobRows,
  type JobLineRow,
  type JobRow,
  jobRowsPage,
  listJobs as listJobRows,
  setJobStatus,
} from "../storage/jobs-repo.js";
import type { AwardOutcome } from "./award-eligible.js";
import { credentialUrl } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";

export type JobKind = JobRow["kind"];
export type JobFormat = JobRow["format"];
export type OnDuplicate = JobRow["onDuplicate"];

/** Rows a job file may hold. */
export const MAX_JOB_ROWS = 100_000;
/** The longest field a row may carry (longer: that row's error, never buffered further). */
export const MAX_JOB_FIELD_BYTES = 64 * 1024;
/** Rows stored per transaction while a file is received. */
const RECEIVE_BATCH = 500;

export type SubmitJobInput = {
  kind: JobKind;
  format: JobFormat;
  /** The file's bytes, read as they arrive. */
  body: AsyncIterable<Uint8Array>;
  fileName?: string | null;
  dryRun: boolean;
  onDuplicate: OnDuplicate;
  /** The client's Idempotency-Key: the same actor and key give the same job (409 for another file). */
  idempotencyKey?: string | null;
  /** Who submits: every row is checked with it when it runs, and issued or recorded as its actor. */
  principal: Principal;
};

/** A job as the API shows it: its counters, its rate (rows per second since it started) and the time left. */
export type JobView = {
  id: string;
  kind: JobKind;
  status: JobRow["status"];
  dryRun: boolean;
  onDuplicate: OnDuplicate;
  fileName: string | null;
  format: JobFormat;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  pending: number;
  /** Rows settled per second since the job started (null before it starts). */
  rowsPerSecond: number | null;
  /** Seconds left at that rate (null while unknown; 0 once nothing is pending). */
  etaSeconds: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  error: string | null;
  createdBy: string;
};

export function toJobView(job: JobRow, now: Date): JobView {
  const settled = job.done + job.failed + job.skipped;
  const pending = Math.max(0, job.total - settled);
  const endedAt = job.finishedAt ?? now;
  const seconds = job.startedAt ? (endedAt.getTime() - job.startedAt.getTime()) / 1000 : 0;
  const rate = seconds > 0 ? Math.round((settled / seconds) * 10) / 10 : null;
  const active = job.status === "queued" || job.status === "running";
  const eta = !active || pending === 0 ? 0 : rate ? Math.ceil(pending / rate) : null;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    dryRun: job.dryRun,
    onDuplicate: job.onDuplicate,
    fileName: job.fileName,
    format: job.format,
    total: job.total,
    done: job.done,
    failed: job.failed,
    skipped: job.skipped,
    pending: active ? pending : 0,
    rowsPerSecond: rate,
    etaSeconds: eta,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    updatedAt: job.updatedAt.toISOString(),
    error: job.error,
    createdBy: job.actor,
  };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The record of a row as the runner reads it (what parseJobInput gave, kept as JSON). */
type StoredRecord = Record<string, unknown>;

/** What makes two rows of one job the same row: the external id, else (awards) the certification and the person. */
function duplicateKeyOf(kind: JobKind, externalId: string | null, record: StoredRecord): string | null {
  if (externalId !== null) {
    return `id:${externalId}`;
  }
  if (kind === "awards" && typeof record.certification === "string" && typeof record.email === "string") {
    return `award:${record.certification}\n${normaliseEmail(record.email)}`;
  }
  return null;
}

/**
 * Receives a job file: parses it as it arrives (parseJobInput) and stores every row (a row that could not be read is
 * stored failed, with its line, column and reason; a later duplicate of a row skipped or failed as the job says), in
 * transactions of RECEIVE_BATCH rows, then the job itself, queued, in a last transaction: answered only once all of it
 * is stored. A file-level error (no header, an unknown column, bad UTF-8, too many rows…) stores nothing. The same
 * actor's Idempotency-Key gives back the job it made (a 409 for another file under it).
 */
export async function submitJob(
  ctx: ServiceContext,
  input: SubmitJobInput,
): Promise<{ job: JobView; created: boolean }> {
  const { principal } = input;
  const keyHash = input.idempotencyKey ? sha256(input.idempotencyKey) : null;
  const fileHash = createHash("sha256");
  const body = hashing(input.body, fileHash);
  const earlier = keyHash ? await findJobByKey(ctx.store.conn(), principal.actor, keyHash) : undefined;
  if (earlier) {
    for await (const _ of body) {
      // read to the end: the file's hash tells a retry from another file
    }
    return { job: toJobView(sameJob(earlier, input, fileHash.digest("hex")), ctx.clock()), created: false };
  }

  const jobId = ctx.newId();
  const counts = { total: 0, failed: 0, skipped: 0 };
  const seen = new Map<string, number>();
  let buffer: JobLineRow[] = [];
  const flush = async () => {
    if (buffer.length > 0) {
      const rows = buffer;
      buffer = [];
      await ctx.store.tx((tx) => insertJobRows(tx, rows));
    }
  };
  try {
    const rows = parseJobInput(body, {
      kind: input.kind,
      format: input.format,
      maxRows: MAX_JOB_ROWS,
      maxFieldBytes: MAX_JOB_FIELD_BYTES,
    });
    for await (const row of rows) {
      counts.total += 1;
      if ("error" in row) {
        counts.failed += 1;
        buffer.push({
          jobId,
          line: row.line,
          externalId: row.externalId,
          record: null,
          credentialId: null,
          state: "failed",
          outcome: { outcome: "failed", error: { column: row.error.column, reason: row.error.reason } },
        });
      } else {
        const record = row.record as unknown as StoredRecord;
        const key = duplicateKeyOf(input.kind, row.externalId, record);
        const first = key === null ? undefined : seen.get(key);
        if (key !== null && first === undefined) {
          seen.set(key, row.line);
        }
        const duplicate =
          first === undefined
            ? undefined
            : { column: row.externalId !== null ? "externalId" : null, reason: `duplicate of line ${first}` };
        const state = duplicate === undefined ? "pending" : input.onDuplicate === "skip" ? "skipped" : "failed";
        if (state !== "pending") {
          counts[state] += 1;
        }
        buffer.push({
          jobId,
          line: row.line,
          externalId: row.externalId,
          record,
          // awards are issued under an id chosen now: a row run twice (after a crash) is issued at most once
          credentialId: input.kind === "awards" && !input.dryRun && state === "pending" ? ctx.newId() : null,
          state,
          outcome:
            duplicate === undefined
              ? null
              : state === "skipped"
                ? { outcome: "skipped", reason: duplicate.reason }
                : { outcome: "failed", error: duplicate },
        });
      }
      if (buffer.length >= RECEIVE_BATCH) {
        await flush();
      }
    }
    await flush();
  } catch (error) {
    // nothing of a refused file is kept
    await ctx.store.tx((tx) => deleteJobRows(tx, jobId));
    throw error;
  }

  const hash = fileHash.digest("hex");
  const now = ctx.clock();
  const settled = counts.failed + counts.skipped === counts.total;
  const job: JobRow = {
    id: jobId,
    kind: input.kind,
    status: settled ? "done" : "queued",
    dryRun: input.dryRun,
    onDuplicate: input.onDuplicate,
    actor: principal.actor,
    principal: { ...principal } as unknown as Record<string, unknown>,
    fileName: input.fileName ?? null,
    format: input.format,
    fileHash: hash,
    total: counts.total,
    done: 0,
    failed: counts.failed,
    skipped: counts.skipped,
    idempotencyKeyHash: keyHash,
    createdAt: now,
    startedAt: settled ? now : null,
    finishedAt: settled ? now : null,
    updatedAt: now,
    error: null,
  };
  const stored = await ctx.store.tx(async (tx) => {
    if (keyHash) {
      // two uploads under one key at once: one job, the other answered with it
      await ctx.store.lock(tx, `job-key:${principal.actor}:${keyHash}`);
      const raced = await findJobByKey(tx, principal.actor, keyHash);
      if (raced) {
        await deleteJobRows(tx, jobId);
        return { job: raced, created: false };
      }
    }
    await insertJob(tx, job);
    return { job, created: true };
  });
  if (!stored.created) {
    return { job: toJobView(sameJob(stored.job, input, hash), ctx.clock()), created: false };
  }
  ctx.logger.info("bulk job submitted", { jobId, kind: input.kind, rows: counts.total, actor: principal.actor });
  return { job: toJobView(job, ctx.clock()), created: true };
}

/** The earlier job of an Idempotency-Key, if this upload repeats it (same file and options); else a 409. */
function sameJob(earlier: JobRow, input: SubmitJobInput, fileHash: string): JobRow {
  const same =
    earlier.fileHash === fileHash &&
    earlier.kind === input.kind &&
    earlier.dryRun === input.dryRun &&
    earlier.onDuplicate === input.onDuplicate;
  if (!same) {
    throw new AppError("CONFLICT", "This Idempotency-Key was already used for another file or other options", {
      jobId: earlier.id,
    });
  }
  return earlier;
}

async function* hashing(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>) {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

export async function getJob(ctx: ServiceContext, id: string): Promise<JobView> {
  const job = await findJob(ctx.store.conn(), id);
  if (!job) {
    throw new AppError("NOT_FOUND", `No job "${id}"`);
  }
  return toJobView(job, ctx.clock());
}

export async function listJobs(
  ctx: ServiceContext,
  options: { limit: number; before?: Date; kinds: readonly JobKind[] },
): Promise<JobView[]> {
  const now = ctx.clock();
  const rows = await listJobRows(ctx.store.conn(), { limit: options.limit, before: options.before });
  return rows.filter((job) => options.kinds.includes(job.kind)).map((job) => toJobView(job, now));
}

/**
 * Cancels a queued or running job: the runner stops before its next batch (the batch in flight is finished and
 * recorded); rows not run stay pending and are reported as cancelled. A finished job is a 409.
 */
export async function cancelJob(ctx: ServiceContext, id: string, actor: string): Promise<JobView> {
  const now = ctx.clock();
  const cancelled = await ctx.store.tx((tx) =>
    setJobStatus(tx, id, ["queued", "running"], { status: "cancelled", updatedAt: now, finishedAt: now }),
  );
  const job = await getJob(ctx, id);
  if (!cancelled) {
    throw new AppError("CONFLICT", `Job ${id} is ${job.status}: only a queued or running job can be cancelled`, {
      jobId: id,
    });
  }
  ctx.logger.info("bulk job cancelled", { jobId: id, actor });
  return job;
}

/** The job's results, one per input line in line order, read a page at a time (for files of 100,000 lines). */
export async function* jobResults(ctx: ServiceContext, id: string): AsyncGenerator<ResultRow> {
  const job = await findJob(ctx.store.conn(), id);
  if (!job) {
    throw new AppError("NOT_FOUND", `No job "${id}"`);
  }
  let after = 0;
  for (;;) {
    const page = await jobRowsPage(ctx.store.conn(), id, after, 1000);
    for (const row of page) {
      yield resultOf(ctx, job, row);
    }
    const last = page.at(-1);
    if (!last) {
      return;
    }
    after = last.line;
  }
}

/** A row's outcome as the results file says it (domain/jobs/results-file.ts). */
function resultOf(ctx: ServiceContext, job: JobRow, row: JobLineRow): ResultRow {
  const stored = (row.outcome ?? {}) as {
    outcome?: RowOutcome;
    credentialId?: string;
    reason?: string;
    error?: RowError;
    awarded?: AwardOutcome[];
  };
  const outcome: RowOutcome =
    row.state === "pending" ? (job.status === "cancelled" ? "cancelled" : "pending") : (stored.outcome ?? "failed");
  const ids = [
    ...(stored.credentialId ? [stored.credentialId] : []),
    ...(stored.awarded ?? []).flatMap((a) => (a.outcome === "issued" ? [a.credentialId] : [])),
  ];
  const error = stored.error ?? (stored.reason ? { column: null, reason: stored.reason } : null);
  return {
    line: row.line,
    externalId: row.externalId,
    outcome,
    credentials: ids.map((id) => ({ id, url: credentialUrl(ctx.config.publicUrl, id) })),
    error,
  };
}
