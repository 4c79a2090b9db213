import type { Logger } from "../logger.js";
import { acquireLease, releaseLease } from "../storage/leases-repo.js";
import { awardDueEvaluations } from "./award-due.js";
import { runDelivery } from "./delivery.js";
import { deliveryChannels } from "./delivery-channels.js";
import type { ServiceContext } from "./deps.js";
import { emitExpiringEvents } from "./events.js";
import { runJobs } from "./jobs-runner.js";
import { pruneRateLimits } from "./rate-limits.js";

/** Periodic work that must run once across the cluster, not once per node. */
export type ClusterJob = {
  /** Also the name of its lease (`leases.name`). */
  name: string;
  /** How often it runs (by the context's clock). */
  everyMs: number;
  /** `first`: this node's first run of it (at its start, or when it took the job over). */
  run: (first: boolean) => Promise<void>;
};

/** How long a lease lasts unless renewed: a node that died is replaced after this long. */
export const LEASE_MS = 30_000;
/** How often a node renews its leases, tries to take the free ones, and runs what is due. */
export const TICK_MS = 5_000;

/**
 * Runs `jobs`, each only on the node holding its lease: every tick, each node takes or renews every job's lease (one
 * upsert: free, expired or already its own), then runs the jobs it holds whose time has come. The holder keeps
 * renewing while it works (ticks go on during a long run), so a job runs once per period across the cluster; a node
 * that dies stops renewing, and once its leases expire another node takes them over and runs their jobs at once.
 */
export type ClusterJobs = {
  /** One tick: leases renewed or taken, then the due jobs run; resolves when the runs it started have finished. */
  tick(): Promise<void>;
  /** Whether this node holds a job's lease (as of its last renewal). */
  holds(name: string): boolean;
  /**
   * Stops ticking, waits for the runs in progress (at most `waitMs` when given: a shutdown is bounded), and releases
   * this node's leases, so that another node takes the jobs over at once.
   */
  stop(options?: { waitMs?: number }): Promise<void>;
};

export function startClusterJobs(
  ctx: Pick<ServiceContext, "store" | "clock" | "logger" | "nodeId">,
  jobs: readonly ClusterJob[],
  options: { leaseMs?: number; tickMs?: number; timer?: boolean } = {},
): ClusterJobs {
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const state = jobs.map((job) => ({
    job,
    heldUntil: 0,
    lastRun: undefined as number | undefined,
    running: undefined as Promise<void> | undefined,
  }));
  let stopped = false;
  let renewing: Promise<void> | undefined;

  async function renew(): Promise<void> {
    for (const entry of state) {
      const now = ctx.clock();
      const wasHeld = entry.heldUntil > now.getTime();
      try {
        const until = new Date(now.getTime() + leaseMs);
        const held = await ctx.store.tx((tx) =>
          acquireLease(tx, { name: entry.job.name, holder: ctx.nodeId, now, until }),
        );
        entry.heldUntil = held ? until.getTime() : 0;
        if (held !== wasHeld) {
          ctx.logger.info(held ? "cluster job taken" : "cluster job held by another node", { job: entry.job.name });
        }
        if (!held) {
          entry.lastRun = undefined;
        }
      } catch (error) {
        // Not renewed: held only until the lease ends, then another node may take it.
        ctx.logger.error("cluster job lease not renewed", { job: entry.job.name, error: (error as Error).name });
      }
    }
  }

  function runDue(): Promise<void>[] {
    const started: Promise<void>[] = [];
    const now = ctx.clock().getTime();
    for (const entry of state) {
      const due = entry.lastRun === undefined || now - entry.lastRun >= entry.job.everyMs;
      if (stopped || entry.running || entry.heldUntil <= now || !due) {
        continue;
      }
      const first = entry.lastRun === undefined;
      entry.lastRun = now;
      entry.running = (async () => {
        try {
          await entry.job.run(first);
        } catch (error) {
          ctx.logger.error(`${entry.job.name} failed`, { error: error instanceof Error ? error.name : String(error) });
        } finally {
          entry.running = undefined;
        }
      })();
      started.push(entry.running);
    }
    return started;
  }

  async function tick(): Promise<void> {
    if (stopped) {
      return;
    }
    // A renewal still waiting for the database is not doubled; the runs go on regardless.
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    await renewing;
    await Promise.all(runDue());
  }

  const timer = options.timer === false ? undefined : setInterval(() => void tick(), options.tickMs ?? TICK_MS);
  timer?.unref();
  if (timer) {
    void tick();
  }

  return {
    tick,
    holds: (name) => (state.find((entry) => entry.job.name === name)?.heldUntil ?? 0) > ctx.clock().getTime(),
    async stop(stopOptions = {}) {
      stopped = true;
      if (timer) {
        clearInterval(timer);
      }
      await renewing;
      const runs = Promise.all(state.map((entry) => entry.running)).then(() => true);
      const { waitMs } = stopOptions;
      let late: ReturnType<typeof setTimeout> | undefined;
      const finished =
        waitMs === undefined
          ? await runs
          : await Promise.race([
              runs,
              new Promise<false>((resolve) => (late = setTimeout(() => resolve(false), waitMs))),
            ]);
      clearTimeout(late);
      if (!finished) {
        // Cut short by the stop: released all the same, so another node runs the job again (every job is idempotent).
        ctx.logger.warn("periodic work still running when stopped: its leases are released", {
          jobs: state
            .filter((entry) => entry.running)
            .map((entry) => entry.job.name)
            .join(", "),
        });
      }
      for (const entry of state) {
        if (entry.heldUntil === 0) {
          continue;
        }
        try {
          await ctx.store.tx((tx) => releaseLease(tx, { name: entry.job.name, holder: ctx.nodeId }));
          entry.heldUntil = 0;
        } catch (error) {
          ctx.logger.error("cluster job lease not released", { job: entry.job.name, error: (error as Error).name });
        }
      }
    },
  };
}

/** How often the expiry-reminder sweep runs (reminders are due on a day, so an hour is precise enough). */
const EXPIRY_SWEEP_MS = 60 * 60 * 1000;

/**
 * The periodic award sweep leaves alone people marked due within the last minute: a request that stored their
 * evidence is still evaluating them (and reports the award in its own answer).
 */
const DUE_SETTLE_MS = 60 * 1000;

/** How often the node holding the bulk-jobs lease looks for queued jobs (runs start on the next tick at most). */
const BULK_JOBS_POLL_MS = 1000;

/** Rate-limit windows of a minute: the ended ones are deleted every minute. */
const RATE_LIMIT_PRUNE_MS = 60 * 1000;

/**
 * The server's periodic work: expiry reminders due now (hourly), the evaluations that never completed (every
 * `LAUREL_AWARD_SWEEP_SECONDS`), delivery of e-mail and webhooks (every `LAUREL_DELIVERY_POLL_MS`), and on PostgreSQL the clean-up of ended rate-limit windows (every minute).
 */
export function serverJobs(ctx: ServiceContext, logger: Logger = ctx.logger): ClusterJob[] {
  const channels = deliveryChannels(ctx);
  const jobs: ClusterJob[] = [
    {
      name: "expiry-reminders",
      everyMs: EXPIRY_SWEEP_MS,
      run: async () => {
        const emitted = await emitExpiringEvents(ctx, ctx.clock());
        if (emitted > 0) {
          logger.info("expiry reminders emitted", { count: emitted });
        }
      },
    },
    {
      name: "award-sweep",
      everyMs: ctx.config.awardSweepSeconds * 1000,
      run: async (first) => {
        // At a node's first run, evaluations it had in flight died with it (a restart): everyone due is evaluated.
        // Another node's evaluations in flight are harmless: every award is exactly-once under the person lock.
        const now = ctx.clock().getTime();
        await awardDueEvaluations(ctx, { markedBefore: new Date(first ? now : now - DUE_SETTLE_MS) });
      },
    },
    {
      // e-mail and webhooks owed by the outbox's events: claims and message leases would make a second runner
      // harmless, and one at a time is enough
      name: "delivery",
      everyMs: ctx.config.delivery.pollMs,
      run: async () => {
        const round = await runDelivery(ctx, channels);
        if (round.attempted > 0) {
          logger.info("deliveries attempted", { events: round.taken, messages: round.attempted });
        }
      },
    },
    {
      // bulk jobs (issue 17): each job is also leased on its own (job:<id>), so the CLI never runs one a server runs;
      // a job left running by a node that died is resumed where it stopped
      name: "bulk-jobs",
      everyMs: BULK_JOBS_POLL_MS,
      run: async () => {
        const finished = await runJobs(ctx);
        if (finished.length > 0) {
          logger.info("bulk jobs finished", { count: finished.length });
        }
      },
    },
  ];
  if (ctx.store.dialect === "pg") {
    jobs.push({
      name: "rate-limit-cleanup",
      everyMs: RATE_LIMIT_PRUNE_MS,
      run: async () => {
        await pruneRateLimits(ctx);
      },
    });
  }
  return jobs;
}
