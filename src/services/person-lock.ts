import type { ServiceContext } from "./deps.js";

/**
 * Runs `fn` after every earlier call for the same person has finished: evaluations, awards and
 * approval decisions about one person never interleave (within this process; the issuing
 * transaction re-checks in the database as well).
 */
export function withPersonLock<T>(ctx: ServiceContext, email: string, fn: () => Promise<T>): Promise<T> {
  const byPerson = ctx.state.personLocks;
  const previous = byPerson.get(email) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  const settled = next.catch(() => undefined);
  byPerson.set(email, settled);
  void settled.then(() => {
    if (byPerson.get(email) === settled) {
      byPerson.delete(email);
    }
  });
  return next;
}
