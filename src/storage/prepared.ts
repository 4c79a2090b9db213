import { type Column, getTableColumns, is, Param, Placeholder, type SQL, sql, type Table } from "drizzle-orm";
import type { Conn, JsonColumn } from "./store.js";

/** What `.prepare()` gives on either database: a statement run with its placeholders' values. */
type Statement = { execute(values?: Record<string, unknown>): unknown };

/**
 * A statement built once per connection and run with `.execute(values)`: drizzle's `.prepare()` on SQLite (a
 * better-sqlite3 statement), a named prepared statement on PostgreSQL. Building a query costs drizzle about as much
 * as running it, so the hot paths (issuance, the public pages) reuse theirs. The statements live in the connection's
 * own `statements` (made by the store), so they die with it. `key` names the statement (PostgreSQL's statement name).
 * `build` may take the query's shape (`shape`, whatever `key` was made from): a builder declared once, rather than a
 * closure made on every call only to be dropped when the statement is kept (tsx names each closure it makes, which
 * costs a quarter of a microsecond). Everything `build` reads from `shape` must be in `key`: the statement is built
 * from the first call's shape and kept under its key, so a shape that differs under the same key would run the first
 * one's SQL.
 */
export function prepared<S extends Statement, A = undefined>(
  db: Conn,
  key: string,
  build: (db: Conn, shape: A) => { prepare(): S },
  shape?: A,
): S {
  let statement = db.statements.get(key) as S | undefined;
  if (statement === undefined) {
    const query = build(db, shape as A);
    // PostgreSQL's prepare takes the statement's name; SQLite's takes none (the argument is ignored).
    statement = (query.prepare as (name: string) => S).call(query, key);
    db.statements.set(key, statement);
  }
  return statement;
}

/**
 * A LIMIT written into a kept statement's text (`.limit(fixedLimit(n))`, with `n` in the statement's key), where
 * `.limit(sql.placeholder(…))` or `.limit(n)` bind it as a parameter: SQLite (3.53) plans with the LIMIT's value, so
 * binding that parameter expires the statement, and every run of it is compiled again first (measured: 5 µs for a
 * simple select, 15 µs for the people search's, 1.5 µs to run it). Only a whole number from 0 to 100,000.
 */
export function fixedLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > 100_000) {
    throw new Error(`not a limit: ${n}`);
  }
  // drizzle writes an SQL object given as the limit into the statement's text as it is
  return sql.raw(String(n)) as unknown as number;
}

/** A prepared SELECT whose rows can be read as arrays (SQLite's `values`; on PostgreSQL only `execute`). */
type RowsStatement = Statement & { values?(values?: Record<string, unknown>): unknown };

/**
 * The rows of a prepared SELECT (from `prepared`) as arrays of their values in the select's order, timestamps as epoch
 * milliseconds, without drizzle's per-row object mapping (for a list of fifty rows it cost a third of the query):
 * SQLite's stored values as they are (integers for timestamps); on PostgreSQL drizzle's mapped rows, each Date turned
 * into its milliseconds. Only for selects of text, integer and timestamp columns (a boolean or JSON column would
 * differ between the two), flat (no nested objects).
 */
export async function rowsOf(
  db: Conn,
  statement: RowsStatement,
  values: Record<string, unknown>,
): Promise<unknown[][]> {
  if (db.engine === "sqlite" && statement.values !== undefined) {
    return statement.values(values) as unknown[][];
  }
  const rows = (await statement.execute(values)) as Record<string, unknown>[];
  return rows.map((row) => Object.values(row).map((value) => (value instanceof Date ? value.getTime() : value)));
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

/**
 * The columns a row of `table` is inserted with, in the table's order (as drizzle lists them in an INSERT), for
 * `Conn.jsonRows`; `identity` names the column that numbers itself.
 */
export function jsonColumnsOf(table: Table, identity?: string): JsonColumn[] {
  return (
    Object.entries(getTableColumns(table) as Record<string, Column>)
      // what drizzle leaves out of an INSERT: columns the database always generates
      .filter(([, column]) => column.generated === undefined || column.generated.type === "byDefault")
      .map(([key, column]) => (key === identity ? { key, column, next: true } : { key, column }))
  );
}

/** The JSON value of a `Conn.jsonRows` parameter: each row's values in `columns` order, encoded by their columns. */
export function encodeRows(rows: readonly object[], columns: readonly JsonColumn[]): string {
  return JSON.stringify(
    rows.map((row) =>
      columns.map(({ key, column, next }) => {
        const value = (row as Record<string, unknown>)[key];
        return next || value === null || value === undefined ? null : column.mapToDriverValue(value);
      }),
    ),
  );
}

/**
 * Most rows a multi-row statement (`placeholderRows`) takes: a credential has 21 columns, so 100 rows bind 2,100
 * values, well under either database's limit; longer lists run in several statements.
 */
export const MAX_ROWS_PER_STATEMENT = 100;

/**
 * The VALUES of a multi-row INSERT of `count` rows, for a statement prepared once per row count (`prepared`, its key
 * naming the count): each column's placeholder is `<key>_<row>`, encoded by its column (placeholderOf); `extra` adds
 * computed values to row `i`. Run it with `rowValues` of as many rows.
 */
export function placeholderRows(
  columns: Record<string, Column>,
  count: number,
  extra?: (i: number) => Record<string, SQL>,
): Record<string, SQL>[] {
  return Array.from({ length: count }, (_, i) => ({
    ...Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, placeholderOf(column, `${key}_${i}`)])),
    ...extra?.(i),
  }));
}

/** The placeholder values of `placeholderRows`: each row's value of `key` as `<key>_<row>` (undefined as null). */
export function rowValues(rows: readonly object[], keys: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [i, row] of rows.entries()) {
    for (const key of keys) {
      values[`${key}_${i}`] = (row as Record<string, unknown>)[key] ?? null;
    }
  }
  return values;
}

/**
 * Where each of a multi-row statement's parameters comes from, in the statement's order: a row's value of a key,
 * encoded as its Param says (or as it is, for a bare placeholder), or a value drizzle wrote into the statement.
 */
type Binding = { row: number; key: string; encode?: (value: unknown) => unknown } | { value: unknown };

/** A kept SQLite statement (drizzle's better-sqlite3 prepared query) as `executeRows` binds it itself. */
type DirectStatement = {
  stmt: { run(params: unknown[]): unknown };
  query: { params: unknown[] };
  executeMethod: string;
};

/**
 * Each statement's bindings (undefined: not understood, run through drizzle), worked out at its first run, with the
 * row count and keys they were worked out for (a run with others goes through drizzle).
 */
const bindingsOf = new WeakMap<object, { count: number; keys: string; plan: readonly Binding[] | undefined }>();

/**
 * The bindings of a statement made of `placeholderRows` of `count` rows with `keys`, if every parameter is one of
 * theirs or a value written into it; undefined for anything else (another engine, another kind of statement, a
 * placeholder not named `<key>_<row>`, a statement that returns rows), which `executeRows` then runs as drizzle does.
 */
function bindings(statement: object, keys: readonly string[], count: number): readonly Binding[] | undefined {
  const kept = bindingsOf.get(statement);
  if (kept !== undefined) {
    return kept.count === count && kept.keys === keys.join(",") ? kept.plan : undefined;
  }
  const direct = statement as Partial<DirectStatement>;
  let found: Binding[] | undefined;
  if (direct.executeMethod === "run" && typeof direct.stmt?.run === "function" && Array.isArray(direct.query?.params)) {
    found = [];
    const known = new Set(keys);
    for (const param of direct.query.params) {
      const placeholder = is(param, Param) ? param.value : param;
      if (!is(placeholder, Placeholder)) {
        if (is(param, Param)) {
          found = undefined; // not a value drizzle would bind as it is
          break;
        }
        found.push({ value: param });
        continue;
      }
      const at = placeholder.name.lastIndexOf("_");
      const key = placeholder.name.slice(0, at);
      const suffix = placeholder.name.slice(at + 1);
      const row = Number(suffix);
      if (at < 0 || !known.has(key) || String(row) !== suffix || !Number.isInteger(row) || row < 0 || row >= count) {
        found = undefined;
        break;
      }
      const encoder = is(param, Param) ? param.encoder : undefined;
      found.push(encoder ? { row, key, encode: (value) => encoder.mapToDriverValue(value) } : { row, key });
    }
  }
  bindingsOf.set(statement, { count, keys: keys.join(","), plan: found });
  return found;
}

/**
 * Runs a multi-row statement (`placeholderRows` of as many rows as `rows`, from `prepared`) with the rows' values of
 * `keys` (undefined as null), as `statement.execute(rowValues(rows, keys))` would. On SQLite the statement's values
 * go to better-sqlite3 as one array, in the order drizzle would have filled them in (worked out once per statement
 * from drizzle's own list of its parameters), without the object of `<key>_<row>` names that drizzle looks each one
 * up in: for a stored batch of a hundred credentials that object and its look-ups cost more than the statements'
 * own binding. Anything the statement holds that is not understood runs it through drizzle.
 */
export async function executeRows(
  db: Conn,
  statement: Statement,
  rows: readonly object[],
  keys: readonly string[],
): Promise<void> {
  const values = directValues(db, statement, rows, keys);
  if (values === undefined) {
    await statement.execute(rowValues(rows, keys));
    return;
  }
  (statement as unknown as DirectStatement).stmt.run(values);
}

/**
 * The values `executeRows` binds a statement's parameters to, in their order: what drizzle's fillPlaceholders makes
 * of `rowValues(rows, keys)`. Undefined where it would run the statement through drizzle.
 */
export function directValues(
  db: Conn,
  statement: Statement,
  rows: readonly object[],
  keys: readonly string[],
): unknown[] | undefined {
  const plan = db.engine === "sqlite" ? bindings(statement, keys, rows.length) : undefined;
  if (plan === undefined) {
    return undefined;
  }
  const values = new Array<unknown>(plan.length);
  for (let j = 0; j < plan.length; j++) {
    const binding = plan[j] as Binding;
    if ("value" in binding) {
      values[j] = binding.value;
      continue;
    }
    const value = (rows[binding.row] as Record<string, unknown>)[binding.key] ?? null;
    values[j] = binding.encode ? binding.encode(value) : value;
  }
  return values;
}

/** `items` in runs of at most MAX_ROWS_PER_STATEMENT, in order. */
export function rowRuns<T>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_ROWS_PER_STATEMENT) {
    runs.push(items.slice(start, start + MAX_ROWS_PER_STATEMENT));
  }
  return runs;
}
