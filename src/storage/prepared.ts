import { type Column, Param, type SQL, sql } from "drizzle-orm";
import type { Conn } from "./store.js";

/** What `.prepare()` gives on either database: a statement run with its placeholders' values. */
type Statement = { execute(values?: Record<string, unknown>): unknown };

/**
 * A statement built once per connection and run with `.execute(values)`: drizzle's `.prepare()` on SQLite (a
 * better-sqlite3 statement), a named prepared statement on PostgreSQL. Building a query costs drizzle about as much
 * as running it, so the hot paths (issuance, the public pages) reuse theirs. The statements live in the connection's
 * own `statements` (made by the store), so they die with it. `key` names the statement (PostgreSQL's statement name).
 */
export function prepared<S extends Statement>(db: Conn, key: string, build: (db: Conn) => { prepare(): S }): S {
  let statement = db.statements.get(key) as S | undefined;
  if (statement === undefined) {
    const query = build(db);
    // PostgreSQL's prepare takes the statement's name; SQLite's takes none (the argument is ignored).
    statement = (query.prepare as (name: string) => S).call(query, key);
    db.statements.set(key, statement);
  }
  return statement;
}

/**
 * A placeholder for a value of `column`, encoded by the column itself as drizzle does, except that null stays null
 * (drizzle's encoders read a null Date's time, or turn a null boolean into 0).
 */
export function placeholderOf(column: Column, name: string): SQL {
  const encoder = {
    mapToDriverValue: (value: unknown) =>
      value === null || value === undefined ? null : column.mapToDriverValue(value),
  };
  return sql`${new Param(sql.placeholder(name), encoder)}`;
}

/** The same, cast to the column's SQL type (a CASE branch or a VALUES row then has the column's type on PostgreSQL). */
export function typedPlaceholderOf(column: Column, name: string): SQL {
  return sql`cast(${placeholderOf(column, name)} as ${sql.raw(column.getSQLType())})`;
}

/** How many rows one prepared multi-row statement takes at most (a batch is written in chunks of this size). */
export const ROWS_PER_STATEMENT = 100;

/** Splits rows into chunks of at most `ROWS_PER_STATEMENT`. */
export function chunksOf<R>(rows: readonly R[]): R[][] {
  const chunks: R[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    chunks.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  }
  return chunks;
}

/**
 * The values of a prepared multi-row statement built with placeholders `<key><i>` for the i-th row's `key` (missing
 * values are null). One statement per row count is built and prepared once (per connection), then reused: a batch
 * is written in one statement without drizzle building, nor the database compiling, its SQL again.
 */
export function rowValues(rows: readonly Record<string, unknown>[], keys: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [i, row] of rows.entries()) {
    for (const key of keys) {
      values[`${key}${i}`] = row[key] ?? null;
    }
  }
  return values;
}
