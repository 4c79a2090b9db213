import type { ServiceContext } from "./deps.js";

/** One condition of readiness: passed, or failed with what is wrong (no secrets: names and counts only). */
export type ReadinessCheck = { name: "shutdown" | "database" | "migrations" | "keys"; ok: boolean; detail: string };

export type Readiness = { ready: boolean; checks: ReadinessCheck[] };

/** How long the readiness probe waits for the database before saying it does not answer. */
const DATABASE_ANSWER_MS = 2_000;

function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Whether this node can serve (GET /readyz, for a load balancer): not shutting down, the database answers, it holds
 * every migration this build knows, and the keys this node signs with are the newest generation recorded. Liveness
 * (GET /healthz) asks nothing of the database: a node whose database is away is alive, only not ready.
 */
export async function checkReadiness(ctx: ServiceContext): Promise<Readiness> {
  const checks: ReadinessCheck[] = [];
  const shuttingDown = ctx.state.lifecycle.shuttingDown;
  checks.push({ name: "shutdown", ok: !shuttingDown, detail: shuttingDown ? "shutting down" : "running" });
  let reachable = false;
  try {
    await withinTime(ctx.store.ping(), DATABASE_ANSWER_MS, "the database");
    reachable = true;
    checks.push({ name: "database", ok: true, detail: "answers" });
  } catch (error) {
    const detail = error instanceof Error && /did not answer/.test(error.message) ? error.message : "unreachable";
    checks.push({ name: "database", ok: false, detail });
  }
  if (reachable) {
    try {
      const migrated = await withinTime(ctx.store.migrated(), DATABASE_ANSWER_MS, "the database");
      checks.push({
        name: "migrations",
        ok: migrated,
        detail: migrated ? "applied" : "the database lacks migrations of this version",
      });
    } catch {
      checks.push({ name: "migrations", ok: false, detail: "could not be read" });
    }
  } else {
    checks.push({ name: "migrations", ok: false, detail: "not checked: the database does not answer" });
  }
  if (reachable) {
    await ctx.keys.fresh();
  }
  const keysProblem = ctx.keys.problem();
  const generation = ctx.keys.current().keyring.active.generation;
  checks.push({
    name: "keys",
    ok: keysProblem === undefined,
    detail: keysProblem ?? `loaded (signing with generation ${generation})`,
  });
  return { ready: checks.every((c) => c.ok), checks };
}
