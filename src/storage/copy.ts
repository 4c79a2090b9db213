import { type Column, count, getTableColumns, getTableName, inArray, is, type SQL, sql } from "drizzle-orm";
import { getTableConfig, type SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "./schema.js";
import type { Conn, Store, Tx } from "./store.js";
import type { PgStore } from "./store-pg.js";

/**
 * Moving an installation from its SQLite file to PostgreSQL (`npm run db -- copy`, issue 13): every table of the schema,
 * in foreign-key order, in batches, inside one PostgreSQL transaction, then checked inside that same transaction (row
 * counts per table, every signed document byte for byte) so that a copy that does not match is rolled back whole.
 * Rows go through drizzle on both sides (the two schemas are twins), so timestamps, booleans and JSON keep their values.
 * The source is read inside one SQLite write transaction: a consistent snapshot, and nobody writes to it meanwhile.
 */

/** The copy refused to start (a non-empty target): nothing was written. */
export class CopyRefused extends Error {}
/** The copy did not match its source: rolled back, nothing was written. */
export class CopyMismatch extends Error {}

export type CopySummary = {
  /** Rows copied per table (SQL names), in the order they were copied. */
  tables: Array<{ table: string; rows: number }>;
  /** Signed documents compared byte for byte on the copy. */
  credentialsChecked: number;
  statusListsChecked: number;
  /** Identity sequences set past the highest copied id, with the next value each hands out. */
  sequences: Array<{ table: string; column: string; next: number }>;
};

type Entry = { key: keyof typeof schema; table: SQLiteTable };

/** The schema's tables, each after the tables its foreign keys reference. */
export function tablesInForeignKeyOrder(): Entry[] {
  const entries: Entry[] = Object.entries(schema as Record<string, unknown>)
    .filter((e): e is [string, SQLiteTable] => is(e[1], SQLiteTable))
    .map(([key, table]) => ({ key: key as Entry["key"], table }));
  const ordered: Entry[] = [];
  const placed = new Set<SQLiteTable>();
  const place = (entry: Entry, path: SQLiteTable[]) => {
    if (placed.has(entry.table)) {
      return;
    }
    if (path.includes(entry.table)) {
      throw new Error(`foreign keys form a cycle through ${getTableName(entry.table)}`);
    }
    for (const fk of getTableConfig(entry.table).foreignKeys) {
      const referenced = entries.find((e) => e.table === fk.reference().foreignTable);
      if (referenced && referenced.table !== entry.table) {
        place(referenced, [...path, entry.table]);
      }
    }
    placed.add(entry.table);
    ordered.push(entry);
  };
  for (const entry of entries) {
    place(entry, []);
  }
  return ordered;
}

/** The columns that order a table's rows for paging: its primary key. */
function primaryKeyOf(table: SQLiteTable): SQLiteColumn[] {
  const single = Object.values(getTableColumns(table)).filter((c: Column) => c.primary) as SQLiteColumn[];
  return single.length > 0 ? single : (getTableConfig(table).primaryKeys[0]?.columns ?? []);
}

/** Rows per statement: PostgreSQL takes at most 65,535 parameters; big documents are better sent a few hundred at once. */
function batchSize(table: SQLiteTable): number {
  return Math.max(1, Math.min(500, Math.floor(30_000 / Object.keys(getTableColumns(table)).length)));
}

async function countRows(conn: Conn, table: SQLiteTable): Promise<number> {
  const [row] = await conn.select({ n: count() }).from(table);
  return Number(row?.n ?? 0);
}

type Execute = { execute: (query: SQL) => Promise<{ rows: Array<Record<string, unknown>> }> };
const execute = (tx: Tx, query: SQL) => (tx as unknown as Execute).execute(query);

/** Compares one signed column set of a table between source and copy, `batch` rows at a time; returns how many. */
async function compareDocuments(
  source: Conn,
  target: Tx,
  key: "credentials" | "statusLists",
  fields: string[],
): Promise<number> {
  const from = source.t[key] as unknown as SQLiteTable;
  const to = target.t[key] as unknown as SQLiteTable;
  const columnsOf = (table: SQLiteTable) => {
    const all = getTableColumns(table) as Record<string, SQLiteColumn>;
    return Object.fromEntries(["id", ...fields].map((f) => [f, all[f] as SQLiteColumn]));
  };
  const sourceColumns = columnsOf(from);
  const targetColumns = columnsOf(to);
  let checked = 0;
  for (let offset = 0; ; offset += 500) {
    const rows = (await source
      .select(sourceColumns)
      .from(from)
      .orderBy(sourceColumns.id as SQLiteColumn)
      .limit(500)
      .offset(offset)) as Array<Record<string, unknown>>;
    if (rows.length === 0) {
      return checked;
    }
    const copies = (await target
      .select(targetColumns)
      .from(to)
      .where(
        inArray(
          targetColumns.id as SQLiteColumn,
          rows.map((r) => r.id as string),
        ),
      )) as Array<Record<string, unknown>>;
    const byId = new Map(copies.map((c) => [c.id as string, c]));
    for (const row of rows) {
      const copy = byId.get(row.id as string);
      for (const field of fields) {
        if (copy?.[field] !== row[field]) {
          throw new CopyMismatch(`${getTableName(from)} ${String(row.id)}: ${field} differs on the copy`);
        }
      }
      checked++;
    }
  }
}

/**
 * Copies the SQLite store `source` into the PostgreSQL store `target`, which must be empty (migrated, no row in any
 * table): refuses otherwise (CopyRefused). Throws CopyMismatch, having written nothing, when the copy does not match.
 */
export async function copyStore(source: Store, target: PgStore): Promise<CopySummary> {
  const order = tablesInForeignKeyOrder();
  return source.tx(async (src) =>
    target.tx(async (tx) => {
      // two copies into one database at once: the second waits, then finds the target not empty
      await target.lock(tx, "database-copy");
      const occupied: string[] = [];
      for (const { key } of order) {
        const n = await countRows(tx, tx.t[key] as unknown as SQLiteTable);
        if (n > 0) {
          occupied.push(`${getTableName(tx.t[key] as unknown as SQLiteTable)} (${n})`);
        }
      }
      if (occupied.length > 0) {
        throw new CopyRefused(
          `the target database is not empty: rows in ${occupied.join(", ")}; copy only into a new, empty database (nothing was written)`,
        );
      }
      const tables: CopySummary["tables"] = [];
      for (const { key, table } of order) {
        const from = src.t[key] as unknown as SQLiteTable;
        const to = tx.t[key] as unknown as SQLiteTable;
        const size = batchSize(table);
        const orderBy = primaryKeyOf(from);
        if (key === "personChanges" || key === "personHistory") {
          // counted by triggers (0019_person_changes_counted) as evidence, approvals and the audit log were copied:
          // replaced by the source's counts (a person's count must not go back to one a kept page was checked by);
          // a person's entries (0023_person_history_kept) likewise, replaced by the source's (the trigger skips any
          // the copied log adds after them)
          await tx.delete(to);
        }
        let rows = 0;
        for (;;) {
          const batch = await src
            .select()
            .from(from)
            .orderBy(...orderBy)
            .limit(size)
            .offset(rows);
          if (batch.length === 0) {
            break;
          }
          await tx.insert(to).values(batch as never);
          rows += batch.length;
        }
        tables.push({ table: getTableName(table), rows });
      }
      // Copying audit_log after credentials fired its history trigger (0017_credential_history) once per later entry
      // on top of the copied count: each credential's count is made again from the copied log.
      const { credentials } = tx.t;
      await tx.update(credentials).set({
        historyChanges: sql`(select count(*) from audit_log where audit_log.target_type = 'credential'
          and audit_log.target_id = ${credentials.id} and audit_log.action <> 'credential.issued')`,
      });
      const sequences: CopySummary["sequences"] = [];
      const identities = await execute(
        tx,
        sql`select table_name, column_name from information_schema.columns
            where table_schema = current_schema() and is_identity = 'YES' order by table_name, column_name`,
      );
      for (const { table_name: name, column_name: column } of identities.rows as Array<Record<string, string>>) {
        const next = await execute(
          tx,
          sql`select setval(pg_get_serial_sequence(${name}, ${column}),
                (select coalesce(max(${sql.identifier(column as string)}), 0) + 1 from ${sql.identifier(name as string)}),
                false) as next`,
        );
        sequences.push({ table: name as string, column: column as string, next: Number(next.rows[0]?.next) });
      }
      for (const { key, table } of order) {
        const expected = await countRows(src, src.t[key] as unknown as SQLiteTable);
        const found = await countRows(tx, tx.t[key] as unknown as SQLiteTable);
        if (found !== expected) {
          throw new CopyMismatch(`${getTableName(table)}: ${found} rows on the copy, ${expected} in the source`);
        }
      }
      const credentialsChecked = await compareDocuments(src, tx, "credentials", ["document", "jwt"]);
      const statusListsChecked = await compareDocuments(src, tx, "statusLists", ["document", "etag", "signedVersion"]);
      return { tables, credentialsChecked, statusListsChecked, sequences };
    }),
  );
}
