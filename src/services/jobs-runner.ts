import { can, evidenceAccess, isAdmin, type Principal } from "../domain/access.js";
import type { Catalog, CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { type Ob3Evidence, type Ob3Result, resultDescriptionsFor } from "../domain/criteria/decision.js";
import type { Rule } from "../domain/criteria/rule-schema.js";
import { leafRules } from "../domain/criteria/rules/context.js";
import type { AwardRecord, AwardResult } from "../domain/jobs/records.js";
import { AppError, type FieldError, storageProblemOf } from "../errors.js";
import {
  externalIdsDone,
  findJob,
  type JobLineRow,
  type JobRow,
  pendingRows,
  type RowSettlement,
  runnableJobs,
  setJobStatus,
  settleRows,
  updateRowOutcome,
} from "../storage/jobs-repo.js";
import { acquireLease, releaseLease } from "../storage/leases-repo.js";
import { type AwardOutcome, awardEligibleMany } from "./award-eligible.js";
import type { ServiceContext } from "./deps.js";
import { issueCredentials, type StoredOutcome } from "./issue-credential.js";
import type { IssueCredentialInput } from "./issue-plan.js";
import { heldCredentials, holdsValid } from "./person-state.js";
import { type EvidenceSubmission, recordEvidence, type Submitter } from "./record-evidence.js";

/** Lets the requests waiting for the event loop go first. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows taken per batch: each batch's outcomes are committed with what it issued, then the runner yields. */
export const JOB_BATCH_ROWS = 200;

/**
 * How a job issues, so that it never starves requests (issue 17): its signing waits behind theirs in the pool
 * (`bulk`), and it stores its credentials, with their rows' outcomes, in write transactions of a few rows. On SQLite
 * a write transaction holds the write lock and the event loop until it commits (every request's write, and every
 * request, waits for the whole of it), so a short one keeps a single issuance's wait short; the commits cost little.
 */
export const JOB_ISSUE_OPTIONS = { priority: "bulk", persistBatch: 25 } as const;

export type RunOptions = {
  /** Asked between batches: true stops the run (the job stays running, to be resumed by whoever runs it next). */
  stopping?: () => boolean;
  batchRows?: number;
  /** Only this job (the CLI running the job it submitted). */
  jobId?: string;
};

/**
 * Runs every queued or running job, one at a time, each only while this process holds its lease (`job:<id>`, so two
 * nodes, or a node and the CLI, never run one job together), until none has work left or `stopping()` says so.
 * Returns the ids of the jobs it ran to their end.
 */
export async function runJobs(ctx: ServiceContext, options: RunOptions = {}): Promise<string[]> {
  const finished: string[] = [];
  const stopping = () => options.stopping?.() === true || ctx.state.lifecycle.shuttingDown;
  const tried = new Set<string>();
  for (;;) {
    const jobs = (await runnableJobs(ctx.store.conn())).filter(
      (job) => !tried.has(job.id) && (options.jobId === undefined || job.id === options.jobId),
    );
    const job = jobs[0];
    if (!job || stopping()) {
      return finished;
    }
    tried.add(job.id);
    if (await runLeased(ctx, job.id, { ...options, stopping })) {
      finished.push(job.id);
    }
  }
}

/** Takes the job's lease, runs it, gives the lease back. True when the job ended (done, cancelled or failed). */
async function runLeased(
  ctx: ServiceContext,
  jobId: string,
  options: RunOptions & { stopping: () => boolean },
): Promise<boolean> {
  const lease = `job:${jobId}`;
  // The job's lease lasts `leaseSeconds` unless renewed: a runner that died is replaced after it.
  const leaseMs = ctx.config.leaseSeconds * 1000;
  const renew = async () => {
    const now = ctx.clock();
    return ctx.store.tx((tx) =>
      acquireLease(tx, { name: lease, holder: ctx.nodeId, now, until: new Date(now.getTime() + leaseMs) }),
    );
  };
  if (!(await renew())) {
    return false;
  }
  // Renewed on a timer too, at a third of its length, so that a batch longer than the lease (a short
  // LAUREL_LEASE_SECONDS, a slow machine) does not let another runner take the job while this one still works on it;
  // a renewal that fails (another runner holds the job) stops this run after its batch.
  let lost = false;
  let renewing: Promise<void> | undefined;
  const heartbeat = setInterval(() => {
    renewing ??= renew()
      .then((held) => {
        lost ||= !held;
      })
      .catch(() => undefined) // the database is away: the next beat, or the batch's own renewal, says so
      .finally(() => {
        renewing = undefined;
      });
  }, leaseMs / 3);
  heartbeat.unref();
  try {
    return await runJob(ctx, jobId, {
      ...options,
      renew: async () => !lost && (await renew()),
    });
  } finally {
    clearInterval(heartbeat);
    await renewing;
    await ctx.store.tx((tx) => releaseLease(tx, { name: lease, holder: ctx.nodeId }));
  }
}

async function runJob(
  ctx: ServiceContext,
  jobId: string,
  options: RunOptions & { stopping: () => boolean; renew: () => Promise<boolean> },
): Promise<boolean> {
  const started = ctx.clock();
  await ctx.store.tx(async (tx) => {
    if (await setJobStatus(tx, jobId, ["queued"], { status: "running", startedAt: started, updatedAt: started })) {
      ctx.logger.info("bulk job started", { jobId });
    }
  });
  const batchRows = options.batchRows ?? JOB_BATCH_ROWS;
  for (;;) {
    const job = await findJob(ctx.store.conn(), jobId);
    if (job?.status !== "running") {
      return true; // cancelled (or gone)
    }
    if (options.stopping()) {
      return false;
    }
    const rows = await pendingRows(ctx.store.conn(), jobId, batchRows);
    if (rows.length === 0) {
      const now = ctx.clock();
      await ctx.store.tx((tx) =>
        setJobStatus(tx, jobId, ["running"], { status: "done", finishedAt: now, updatedAt: now }),
      );
      ctx.logger.info("bulk job done", { jobId, done: job.done, failed: job.failed, skipped: job.skipped });
      return true;
    }
    try {
      await (job.kind === "awards" ? runAwards(ctx, job, rows) : runEvidence(ctx, job, rows));
    } catch (error) {
      if (storageProblemOf(error)) {
        throw error; // the database is away: the job stays running, resumed by the next run
      }
      // A bug, or a signing failure: the job stops here, failed; what earlier batches did stays done.
      const now = ctx.clock();
      ctx.logger.error("bulk job failed", { jobId, error: error instanceof Error ? error.name : String(error) });
      await ctx.store.tx((tx) =>
        setJobStatus(tx, jobId, ["running"], {
          status: "failed",
          finishedAt: now,
          updatedAt: now,
          error: "the job stopped on an unexpected error; rows not yet run are still pending",
        }),
      );
      return true;
    }
    if (!(await options.renew())) {
      return false; // another process took the job over (this one was too slow to renew)
    }
    // between batches, the requests waiting for the event loop go first
    await yieldToEventLoop();
  }
}

/** The principal a job was submitted with (stored with the job). */
function principalOf(job: JobRow): Principal {
  return job.principal as unknown as Principal;
}

type Failure = { column: string | null; reason: string };
const failed = (line: number, error: Failure): RowSettlement => ({
  line,
  state: "failed",
  outcome: { outcome: "failed", error },
});

/** A duplicate row: skipped, or failed, as the job says. */
function duplicate(job: JobRow, line: number, error: Failure): RowSettlement {
  return job.onDuplicate === "skip"
    ? { line, state: "skipped", outcome: { outcome: "skipped", reason: error.reason } }
    : failed(line, error);
}

function failureOf(error: AppError): Failure {
  const first = (error.extra?.errors as FieldError[] | undefined)?.[0];
  return first ? { column: first.path, reason: first.message } : { column: null, reason: error.message };
}

/**
 * The OB 3.0 results an awards row carries (`name=value` pairs, each name a result of the certification: a rule whose
 * ResultDescription the achievement publishes), or the first name it does not publish.
 */
function resultsOf(
  entry: CatalogEntry,
  achievementUrl: string,
  results: readonly AwardResult[] | undefined,
): { ok: true; results: Ob3Result[] } | { ok: false; name: string; known: string[] } {
  const published = new Set(resultDescriptionsFor(entry.criteria.rule, achievementUrl).map((d) => d.id));
  const out: Ob3Result[] = [];
  for (const { name, value } of results ?? []) {
    const id = `${achievementUrl}#result-${name}`;
    if (!published.has(id)) {
      return { ok: false, name, known: [...published].map((p) => p.slice(`${achievementUrl}#result-`.length)) };
    }
    out.push({ type: ["Result"], resultDescription: id, value });
  }
  return { ok: true, results: out };
}

/**
 * One batch of an awards job. Each row is checked first (the certification, the submitter's permission for its
 * program, an earlier job's row with the same external id); the rest are issued in one bulk issuance under the ids
 * chosen at submission, `unlessHeld` (a person holding it already is a duplicate), and each stored batch of credentials
 * commits with its rows' outcomes (afterStore): a row is never issued twice, nor lost. A dry run checks the same and
 * issues nothing.
 */
async function runAwards(ctx: ServiceContext, job: JobRow, rows: JobLineRow[]): Promise<void> {
  const principal = principalOf(job);
  const settled: RowSettlement[] = [];
  const earlier = await externalIdsDone(
    ctx.store.conn(),
    "awards",
    rows.flatMap((r) => (r.externalId ? [r.externalId] : [])),
    job.id,
  );
  const toIssue: { row: JobLineRow; input: IssueCredentialInput }[] = [];
  for (const row of rows) {
    const record = row.record as unknown as AwardRecord;
    const entry = ctx.catalog.get(record.certification);
    if (!entry) {
      settled.push(
        failed(row.line, { column: "certification", reason: `unknown certification "${record.certification}"` }),
      );
      continue;
    }
    if (!can(principal, "credentials:issue", { program: entry.program })) {
      const reason = `you may not issue credentials of the program "${entry.program}"`;
      settled.push(failed(row.line, { column: "certification", reason }));
      continue;
    }
    const before = row.externalId ? earlier.get(row.externalId) : undefined;
    if (before) {
      settled.push(
        duplicate(job, row.line, {
          column: "externalId",
          reason: `already done by job ${before.jobId}, line ${before.line}`,
        }),
      );
      continue;
    }
    const achievementUrl = `${ctx.config.publicUrl}/achievements/${entry.id}`;
    const evidence: Ob3Evidence[] = record.narrative
      ? [{ type: ["Evidence"], name: entry.name, narrative: record.narrative }]
      : [];
    const read = resultsOf(entry, achievementUrl, record.results);
    if (!read.ok) {
      const known = read.known.length > 0 ? `: its results are ${read.known.join(", ")}` : ": it publishes no results";
      settled.push(
        failed(row.line, { column: "results", reason: `"${read.name}" is not a result of ${entry.id}${known}` }),
      );
      continue;
    }
    const { results } = read;
    toIssue.push({
      row,
      input: {
        ...(row.credentialId ? { id: row.credentialId } : {}),
        achievementId: entry.id,
        recipient: { email: record.email, name: record.name },
        actor: job.actor,
        unlessHeld: true,
        ...(record.validFrom ? { validFrom: new Date(record.validFrom) } : {}),
        ...(evidence.length > 0 || results.length > 0
          ? { decision: { evidence, results, record: { source: "bulk-job", jobId: job.id, line: row.line } } }
          : {}),
      },
    });
  }
  if (job.dryRun) {
    for (const { row, input } of toIssue) {
      const held = await heldCredentials(ctx.store.conn(), normaliseEmail(input.recipient.email));
      const now = ctx.clock();
      settled.push(
        holdsValid(held, input.achievementId, now, { countSuspended: true, countNotYetValid: true })
          ? duplicate(job, row.line, { column: "email", reason: `already holds a ${input.achievementId} credential` })
          : { line: row.line, state: "done", outcome: { outcome: "would-issue" } },
      );
    }
    await ctx.store.tx((tx) => settleRows(tx, job.id, settled, ctx.clock()));
    return;
  }
  if (settled.length > 0) {
    await ctx.store.tx((tx) => settleRows(tx, job.id, settled, ctx.clock()));
  }
  if (toIssue.length === 0) {
    return;
  }
  const inTransaction = new Set<number>();
  const outcomes = await issueCredentials(
    ctx,
    toIssue.map((t) => t.input),
    {
      ...JOB_ISSUE_OPTIONS,
      afterStore: async (tx, stored) => {
        const settlements = stored.map((s) => {
          inTransaction.add(s.index);
          return settlementOf(job, (toIssue[s.index] as { row: JobLineRow }).row, s);
        });
        await settleRows(tx, job.id, settlements, ctx.clock());
      },
    },
  );
  // refused before anything was signed (e.g. the certification is not issuable): nothing was stored for them
  const refused = outcomes.flatMap((outcome, index): RowSettlement[] =>
    inTransaction.has(index) || outcome.ok
      ? []
      : [settlementOf(job, (toIssue[index] as { row: JobLineRow }).row, { index, ok: false, error: outcome.error })],
  );
  if (refused.length > 0) {
    await ctx.store.tx((tx) => settleRows(tx, job.id, refused, ctx.clock()));
  }
}

function settlementOf(job: JobRow, row: JobLineRow, stored: StoredOutcome): RowSettlement {
  if (stored.ok) {
    return { line: row.line, state: "done", outcome: { outcome: "issued", credentialId: stored.credentialId } };
  }
  const { error } = stored;
  if (error.code === "CONFLICT" && error.extra?.credentialId === undefined) {
    return duplicate(job, row.line, { column: "email", reason: error.message });
  }
  return failed(row.line, failureOf(error));
}

/** The programs of the certifications whose criteria count this record's item (none: an uncatalogued item). */
export function programsCounting(catalog: Catalog, submission: EvidenceSubmission): string[] {
  const counts = (rule: Rule): boolean => {
    switch (submission.kind) {
      case "assessment":
        return rule.type === "assessment" && rule.assessment === submission.assessment;
      case "completion":
        return rule.type === "completion" && rule.item === submission.item;
      case "rating":
      case "closure":
        return rule.type === "rating" && rule.forms.includes(submission.form);
    }
  };
  const programs = catalog.entries.flatMap((entry) => {
    const rule = entry.criteria.rule;
    return rule && leafRules(rule).some(counts) ? [entry.program] : [];
  });
  return [...new Set(programs)];
}

/**
 * One batch of an evidence job: each row is checked with the submitter's principal (evidence:write for a program
 * that counts its item), recorded as the evidence API records it (idempotent by its externalId; its grader role comes
 * from the principal, never the file) in a transaction that also settles the row, then every person of the batch is
 * evaluated together (awardEligibleMany) and the awards are added to their rows. A dry run checks and reports only.
 */
async function runEvidence(ctx: ServiceContext, job: JobRow, rows: JobLineRow[]): Promise<void> {
  const principal = principalOf(job);
  const submitter: Submitter = {
    actor: job.actor,
    graderRole: principal.grants.find((grant) => grant.graderRole !== null)?.graderRole ?? null,
    isAdmin: isAdmin(principal),
  };
  const people = new Map<string, number>();
  for (const row of rows) {
    const submission = row.record as unknown as EvidenceSubmission;
    const settle = (s: RowSettlement) => ctx.store.tx((tx) => settleRows(tx, job.id, [s], ctx.clock()));
    if (!evidenceAccess(principal, programsCounting(ctx.catalog, submission)).allowed) {
      await settle(failed(row.line, { column: null, reason: "you may not record evidence of this item's programs" }));
      continue;
    }
    if (job.dryRun) {
      await settle(await dryRunEvidence(ctx, job, row, submission, submitter));
      continue;
    }
    try {
      await ctx.store.tx(async (tx) => {
        const result = await recordEvidence(ctx, submission, submitter);
        const settlement: RowSettlement =
          result.status === "recorded"
            ? { line: row.line, state: "done", outcome: { outcome: "recorded", evidenceId: result.evidence.id } }
            : duplicate(job, row.line, { column: "externalId", reason: `already recorded as ${result.evidence.id}` });
        if ((await settleRows(tx, job.id, [settlement], ctx.clock())) === 0) {
          // another runner settled this row first (it took the job over): what this one recorded is rolled back
          throw new RowSettledElsewhere(row.line);
        }
      });
      people.set(normaliseEmail(submission.person.email), row.line);
    } catch (error) {
      if (error instanceof RowSettledElsewhere) {
        ctx.logger.warn("bulk job row settled by another runner: this run stops", { jobId: job.id, line: error.line });
        break;
      }
      if (!(error instanceof AppError)) {
        throw error;
      }
      await settle(failed(row.line, failureOf(error)));
    }
  }
  if (people.size === 0) {
    return;
  }
  const awarded = await awardEligibleMany(ctx, [...people.keys()], JOB_ISSUE_OPTIONS);
  const annotations = [...people].flatMap(([email, line]): { line: number; awarded: AwardOutcome[] }[] => {
    const list = awarded.get(email) ?? [];
    return list.length > 0 ? [{ line, awarded: list }] : [];
  });
  if (annotations.length > 0) {
    await ctx.store.tx(async (tx) => {
      for (const { line, awarded: list } of annotations) {
        await updateRowOutcome(tx, job.id, line, { awarded: list });
      }
    });
  }
}

/** Thrown to roll a row's recording back when another runner settled the row first (a job taken over). */
class RowSettledElsewhere extends Error {
  constructor(readonly line: number) {
    super("job row settled by another runner");
  }
}

/** Thrown to roll a dry run's recording back, carrying what it would have done. */
class DryRunRollback extends Error {
  constructor(readonly settlement: RowSettlement) {
    super("dry run");
  }
}

/**
 * What recording a row would do, found by recording it in a transaction that is then rolled back: every check of the
 * evidence API (catalog, grading, grader role, supersession, a closed delivery, a duplicate) exactly as a real run
 * makes it, and nothing kept.
 */
async function dryRunEvidence(
  ctx: ServiceContext,
  job: JobRow,
  row: JobLineRow,
  submission: EvidenceSubmission,
  submitter: Submitter,
): Promise<RowSettlement> {
  try {
    await ctx.store.tx(async () => {
      const result = await recordEvidence(ctx, submission, submitter);
      throw new DryRunRollback(
        result.status === "recorded"
          ? { line: row.line, state: "done", outcome: { outcome: "would-record" } }
          : duplicate(job, row.line, { column: "externalId", reason: `already recorded as ${result.evidence.id}` }),
      );
    });
  } catch (error) {
    if (error instanceof DryRunRollback) {
      return error.settlement;
    }
    if (error instanceof AppError) {
      return failed(row.line, failureOf(error));
    }
    throw error;
  }
  throw new Error("a dry run's transaction was not rolled back");
}
