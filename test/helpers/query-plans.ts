import type { Store } from "../../src/storage/store.js";
import { sqliteOf } from "./make-app.js";

/**
 * The SQL of every statement prepared on the store's SQLite connection while `run` runs, in the order first seen
 * (SQLite stores only: the query-plan tests). The connection's own `prepare` is back in place afterwards, whatever
 * `run` does.
 */
export async function statementsPrepared(store: Store, run: () => Promise<unknown>): Promise<string[]> {
  const sqlite = sqliteOf(store);
  const prepare = sqlite.prepare;
  const seen = new Set<string>();
  sqlite.prepare = ((source: string) => {
    seen.add(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  try {
    await run();
  } finally {
    sqlite.prepare = prepare;
  }
  return [...seen];
}

/** SQLite's query plan for a statement, a step's detail each, with every `?` bound to `param`. */
export function queryPlan(store: Store, source: string, param: unknown): string[] {
  const params = (source.match(/\?/g) ?? []).map(() => param);
  const steps = sqliteOf(store)
    .prepare(`EXPLAIN QUERY PLAN ${source}`)
    .all(...params) as { detail: string }[];
  return steps.map((step) => step.detail);
}
