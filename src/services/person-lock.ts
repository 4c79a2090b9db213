import type { ServiceContext } from "./deps.js";

const locks = new WeakMap<ServiceContext, Map<string, Promise<unknown>>>();

/**
 * Runs `fn` after every earlier call for the same person has finished: evaluations, awards and
 * approval decisions about one person never interleave (within this process; the issuing
 * transaction re-checks in the database as well).
 */
export function withPersonLock<T>(ctx: ServiceContext, email: string, fn: () => Promise<T>): Promise<T> {
  let byPerson = locks.get(ctx);
  if (!byPerson) {
    byPerson = new Map();
    locks.set(ctx, byPerson);
  }
  const previous = byPerson.get(email) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  const settled = next.catch(() => undefined);
  byPerson.set(email, settled);
  void settled.then(() => {
    if (byPerson?.get(email) === settled) {
      byPerson.delete(email);
    }
  });
  return next;
}
