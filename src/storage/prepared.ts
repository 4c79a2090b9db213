import { Param, Placeholder } from "drizzle-orm";
import type { Db } from "./db.js";

/** Memoises a statement per database connection (in the connection's own `$statements`, made by openDb). */
export function preparedFor<T>(db: Db, key: string, build: (db: Db) => T): T {
  const statements = db.$statements;
  let statement = statements.get(key) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    statements.set(key, statement);
  }
  return statement;
}

/**
 * A write statement for the hot path: drizzle writes the SQL once (from the schema, with named
 * placeholders); better-sqlite3 runs it directly. Drizzle's own per-call wrapper costs about as
 * much as the insert. Values are mapped by each column's own encoder (Date → epoch ms, JSON → text);
 * null stays null.
 */
export function preparedWrite(
  db: Db,
  key: string,
  build: (db: Db) => { toSQL(): { sql: string; params: unknown[] } },
): (values: Record<string, unknown>) => void {
  const run = preparedFor(db, key, (d) => {
    const { sql, params } = build(d).toSQL();
    const slots = params.map((p) => {
      if (!(p instanceof Param && p.value instanceof Placeholder)) {
        throw new Error(`${key}: every value must be a sql.placeholder()`);
      }
      const encoder = p.encoder as { mapToDriverValue?: (v: unknown) => unknown } | undefined;
      const map = encoder?.mapToDriverValue?.bind(encoder) ?? ((v: unknown) => v);
      return { name: p.value.name as string, map };
    });
    const statement = d.$client.prepare(sql);
    return (values: Record<string, unknown>) => {
      statement.run(...slots.map(({ name, map }) => (values[name] == null ? null : map(values[name]))));
    };
  });
  return run;
}
