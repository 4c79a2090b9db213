import { and, asc, desc, eq, gt, inArray, lt, ne, sql } from "drizzle-orm";
import { executeRows, placeholderOf, placeholderRows, prepared, rowRuns } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type JobRow = Tables["jobs"]["$inferSelect"];
export type JobLineRow = Tables["jobRows"]["$inferSelect"];
export type JobStatus = JobRow["status"];
export type RowState = JobLineRow["state"];

/** A job row's columns, in the order its multi-row insert binds them. */
const JOB_ROW_KEYS = ["jobId", "line", "externalId", "record", "credentialId", "state", "outcome"] as const;

/**
 * Stores rows of a job being received (before its job row exists); call it inside a transaction. Multi-row statements
 * prepared once per row count (runs of MAX_ROWS_PER_STATEMENT), bound directly (executeRows): built as one-time queries
 * of 200 rows each, drizzle's query building was about a third of a job file's submission CPU.
 */
export async function insertJobRows(tx: Tx, rows: readonly JobLineRow[]): Promise<void> {
  for (const run of rowRuns(rows)) {
    const insert = prepared(tx, `job_rows_insert_rows_${run.length}`, (d) => {
      const { jobRows } = d.t;
      const columns = Object.fromEntries(JOB_ROW_KEYS.map((key) => [key, jobRows[key]]));
      return d.insert(jobRows).values(placeholderRows(columns, run.length) as never);
    });
    await executeRows(tx, insert, run, JOB_ROW_KEYS);
  }
}

/** Deletes a job's rows (an upload refused or answered by an earlier job: nothing of it is kept). */
export async function deleteJobRows(tx: Tx, jobId: string): Promise<void> {
  await tx.delete(tx.t.jobRows).where(eq(tx.t.jobRows.jobId, jobId));
}

export async function insertJob(tx: Tx, job: JobRow): Promise<void> {
  await tx.insert(tx.t.jobs).values(job);
}

export async function findJob(db: Conn, id: string): Promise<JobRow | undefined> {
  const { jobs } = db.t;
  return (await db.select().from(jobs).where(eq(jobs.id, id)).limit(1))[0];
}

export async function findJobByKey(db: Conn, actor: string, keyHash: string): Promise<JobRow | undefined> {
  const { jobs } = db.t;
  return (
    await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.actor, actor), eq(jobs.idempotencyKeyHash, keyHash)))
      .limit(1)
  )[0];
}

/** Jobs newest first, `limit` of them, created before `before` when given. */
export async function listJobs(db: Conn, options: { limit: number; before?: Date }): Promise<JobRow[]> {
  const { jobs } = db.t;
  return db
    .select()
    .from(jobs)
    .where(options.before ? lt(jobs.createdAt, options.before) : undefined)
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(options.limit);
}

/** Jobs that still have work: queued or running, oldest first. */
export async function runnableJobs(db: Conn): Promise<JobRow[]> {
  const { jobs } = db.t;
  return db
    .select()
    .from(jobs)
    .where(inArray(jobs.status, ["queued", "running"]))
    .orderBy(asc(jobs.createdAt), asc(jobs.id));
}

/** The next `limit` pending rows of a job, in line order. */
export async function pendingRows(db: Conn, jobId: string, limit: number): Promise<JobLineRow[]> {
  const { jobRows } = db.t;
  return db
    .select()
    .from(jobRows)
    .where(and(eq(jobRows.jobId, jobId), eq(jobRows.state, "pending")))
    .orderBy(asc(jobRows.line))
    .limit(limit);
}

/** A page of a job's rows in line order, after `afterLine`. */
export async function jobRowsPage(db: Conn, jobId: string, afterLine: number, limit: number): Promise<JobLineRow[]> {
  const { jobRows } = db.t;
  return db
    .select()
    .from(jobRows)
    .where(and(eq(jobRows.jobId, jobId), gt(jobRows.line, afterLine)))
    .orderBy(asc(jobRows.line))
    .limit(limit);
}

/**
 * Of these external ids, those that rows of other jobs of `kind` (not dry runs) already settled as done: a duplicate
 * of an earlier upload.
 */
export async function externalIdsDone(
  db: Conn,
  kind: JobRow["kind"],
  externalIds: readonly string[],
  exceptJob: string,
): Promise<Map<string, { jobId: string; line: number }>> {
  const found = new Map<string, { jobId: string; line: number }>();
  if (externalIds.length === 0) {
    return found;
  }
  const { jobRows, jobs } = db.t;
  const rows = await db
    .select({ externalId: jobRows.externalId, jobId: jobRows.jobId, line: jobRows.line })
    .from(jobRows)
    .innerJoin(jobs, eq(jobs.id, jobRows.jobId))
    .where(
      and(
        inArray(jobRows.externalId, [...externalIds]),
        eq(jobRows.state, "done"),
        ne(jobRows.jobId, exceptJob),
        eq(jobs.kind, kind),
        eq(jobs.dryRun, false),
      ),
    );
  for (const row of rows) {
    if (row.externalId !== null && !found.has(row.externalId)) {
      found.set(row.externalId, { jobId: row.jobId, line: row.line });
    }
  }
  return found;
}

export type RowSettlement = { line: number; state: Exclude<RowState, "pending">; outcome: Record<string, unknown> };

/**
 * Settles rows that are still pending (a row already settled is left as it is, so nothing is counted twice) and adds
 * them to the job's counters, in the caller's transaction. Returns how many it settled: 0 for a row another runner
 * settled first (PostgreSQL's update waits for that runner's commit and then finds the row no longer pending).
 */
export async function settleRows(tx: Tx, jobId: string, settled: readonly RowSettlement[], now: Date): Promise<number> {
  const counts = { done: 0, failed: 0, skipped: 0 };
  // Prepared once per connection: built as a one-time query, each row's update cost drizzle a query build and
  // SQLite a compile, a tenth of a bulk job's main thread.
  const settle = prepared(tx, "job_rows_settle", (d) => {
    const { jobRows } = d.t;
    return d
      .update(jobRows)
      .set({ state: placeholderOf(jobRows.state, "state"), outcome: placeholderOf(jobRows.outcome, "outcome") })
      .where(
        and(
          eq(jobRows.jobId, sql.placeholder("jobId")),
          eq(jobRows.line, sql.placeholder("line")),
          eq(jobRows.state, "pending"),
        ),
      )
      .returning({ line: jobRows.line });
  });
  for (const row of settled) {
    const changed = (await settle.execute({
      jobId,
      line: row.line,
      state: row.state,
      outcome: row.outcome,
    })) as unknown[];
    if (changed.length > 0) {
      counts[row.state] += 1;
    }
  }
  const count = prepared(tx, "jobs_add_settled", (d) => {
    const { jobs } = d.t;
    return d
      .update(jobs)
      .set({
        done: sql`${jobs.done} + ${sql.placeholder("done")}`,
        failed: sql`${jobs.failed} + ${sql.placeholder("failed")}`,
        skipped: sql`${jobs.skipped} + ${sql.placeholder("skipped")}`,
        updatedAt: placeholderOf(jobs.updatedAt, "updatedAt"),
      })
      .where(eq(jobs.id, sql.placeholder("jobId")));
  });
  await count.execute({ jobId, ...counts, updatedAt: now });
  return counts.done + counts.failed + counts.skipped;
}

/** Moves a job from one of `from` to `to` (with the times given); false when it was in none of them. */
export async function setJobStatus(
  tx: Tx,
  jobId: string,
  from: readonly JobStatus[],
  change: { status: JobStatus; updatedAt: Date; startedAt?: Date; finishedAt?: Date; error?: string },
): Promise<boolean> {
  const { jobs } = tx.t;
  const changed = await tx
    .update(jobs)
    .set(change)
    .where(and(eq(jobs.id, jobId), inArray(jobs.status, [...from])))
    .returning({ id: jobs.id });
  return changed.length > 0;
}

/** Adds fields to a settled row's outcome (an evidence row's awards, known once its batch is evaluated). */
export async function updateRowOutcome(
  tx: Tx,
  jobId: string,
  line: number,
  fields: Record<string, unknown>,
): Promise<void> {
  const { jobRows } = tx.t;
  const where = and(eq(jobRows.jobId, jobId), eq(jobRows.line, line));
  const row = (await tx.select({ outcome: jobRows.outcome }).from(jobRows).where(where).limit(1))[0];
  if (row) {
    await tx
      .update(jobRows)
      .set({ outcome: { ...(row.outcome ?? {}), ...fields } })
      .where(where);
  }
}
