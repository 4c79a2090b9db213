import type { Column, SQL } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "./schema.js";

/**
 * One store, two databases. Repositories are written once against `Conn`: drizzle's query builder, typed on the SQLite
 * schema (`schema.ts`), and `t`, this database's own tables (the SQLite ones, or their PostgreSQL twins from
 * `schema-pg.ts`, which have the same names, columns and row types). They only `await` builders (never SQLite's
 * synchronous `.all() .get() .run()`), use `returning()` to learn what changed, and keep the few dialect differences
 * behind the store's named functions.
 */
export type Dialect = "sqlite" | "pg";
export type Tables = typeof schema;
/** The query builder every repository uses (at run time on PostgreSQL it is drizzle's pg builder). */
export type Query = BaseSQLiteDatabase<"sync" | "async", unknown, Tables>;
export type Conn = Query & {
  readonly t: Tables;
  readonly engine: Dialect;
  /** The statements prepared on this connection so far, by name (prepared.ts). */
  readonly statements: Map<string, unknown>;
  /**
   * A SELECT of rows given as one JSON parameter (the placeholder `name`, its value `encodeRows(rows, columns)` from
   * prepared.ts: an array of rows, each an array of values encoded by their columns), with columns `c0`, `c1`, … of
   * `columns`' types; a column marked `next` is the table's identity column and takes its next value. One prepared
   * statement then writes a batch of any size (SQLite: `json_each`; PostgreSQL: `json_array_elements`).
   */
  readonly jsonRows: (name: string, columns: readonly JsonColumn[]) => SQL;
};

/** A column of `Conn.jsonRows`: its row key, the column, and whether it is the identity column (next value). */
export type JsonColumn = { key: string; column: Column; next?: boolean };
declare const inTransaction: unique symbol;
/** A connection inside a write transaction: functions that write take `Tx`, so nothing writes outside one. */
export type Tx = Conn & { readonly [inTransaction]: true };

export interface Store {
  readonly dialect: Dialect;
  /**
   * Reads: the current transaction's connection when called inside `tx` (so a read there sees the transaction's own
   * writes on both databases), else the shared connection (SQLite) or the pool (PostgreSQL).
   */
  conn(): Conn;
  /**
   * Runs `fn` in a write transaction and commits when it resolves (rolls back when it throws). Re-entrant: called inside
   * another `tx` (same async context), it joins it. Keep transactions short: no signing or network inside. SQLite takes
   * its one write lock up front (BEGIN IMMEDIATE); PostgreSQL runs READ COMMITTED, and retries the whole `fn` when the
   * database reports a deadlock or a serialization failure.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A lock held until the transaction ends, for work that must not interleave across processes or nodes (the status
   * index allocation, one person's award, one channel's claims). PostgreSQL: an advisory transaction lock on the key;
   * SQLite: nothing to do, the transaction already holds the database's single write lock.
   */
  lock(tx: Tx, key: string): Promise<void>;
  /** Answers when the database answers (`select 1`): the readiness probe. */
  ping(): Promise<void>;
  /** Whether the database holds every migration this build knows (the readiness probe: restored from an old backup?). */
  migrated(): Promise<boolean>;
  close(): Promise<void>;
}
