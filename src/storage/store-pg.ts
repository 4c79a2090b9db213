import { fileURLToPath } from "node:url";
import { getTableName, type SQL, sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as pgSchema from "./schema-pg.js";
import type { Conn, JsonColumn, Query, Store, Tables, Tx } from "./store.js";
import { transactionContext } from "./transaction-context.js";

const MIGRATIONS = fileURLToPath(new URL("./migrations-pg", import.meta.url));

/** The advisory lock under which one node migrates while the others wait (an arbitrary constant: "laurel" in ASCII). */
const MIGRATION_LOCK = 0x6c617572656c;

/** Deadlock and serialization failure: the transaction did nothing durable and can run again. */
const RETRYABLE = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 5;

// int8 (bigint columns, count(*)) as a JS number: our sequences stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type PgStore = Store & { readonly dialect: "pg"; readonly pool: pg.Pool };

/** Applies the PostgreSQL migrations under an advisory lock: one node migrates, the others wait, then find it done. */
async function migrateOnce(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migrate(drizzle({ client, casing: "snake_case" }), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    await client.end();
  }
}

function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
  }
  return undefined;
}

/**
 * Whether the database at `url` holds Laurel's tables (has been migrated once): the operator commands refuse one that
 * does not, as they refuse a missing SQLite file, instead of creating a fresh installation in a mistyped database.
 */
export async function hasLaurelSchema(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ found: boolean }>(
      "select to_regclass('drizzle.__drizzle_migrations') is not null as found",
    );
    return result.rows[0]?.found === true;
  } finally {
    await client.end();
  }
}

/** A schema key as its column name (the store's drizzle runs with snake_case casing). */
function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * `Conn.jsonRows` on PostgreSQL: `json_array_elements` over the array, each value cast to its column's type; an
 * identity column takes the next value of its sequence.
 */
function jsonRows(name: string, columns: readonly JsonColumn[]): SQL {
  const list = columns.map((c, i) =>
    sql.raw(
      c.next
        ? `nextval(pg_get_serial_sequence('${getTableName(c.column.table)}', '${snake(c.key)}')) as c${i}`
        : `cast(v ->> ${i} as ${c.column.getSQLType()}) as c${i}`,
    ),
  );
  return sql`select ${sql.join(list, sql`, `)} from json_array_elements(cast(${sql.placeholder(name)} as json)) as r(v)`;
}

/**
 * Opens the PostgreSQL store of a multi-node deployment: a connection pool, migrations applied once across the
 * cluster. The repositories run on drizzle's pg builder with the PostgreSQL twin tables.
 */
export async function openPgStore(url: string, options: { poolSize?: number } = {}): Promise<PgStore> {
  await migrateOnce(url);
  const lastMigration = readMigrationFiles({ migrationsFolder: MIGRATIONS }).at(-1)?.folderMillis ?? 0;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client's error (the server restarted) is reported by the next query; do not let it crash the process.
  pool.on("error", () => undefined);
  const db = drizzle({ client: pool, schema: pgSchema, casing: "snake_case" });
  const tables = pgSchema as unknown as Tables;
  const shared = Object.assign(db as unknown as Query, {
    t: tables,
    engine: "pg" as const,
    statements: new Map<string, unknown>(),
    jsonRows,
  }) as Conn;
  const current = transactionContext<Tx>();

  async function once<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return db.transaction(async (transaction) => {
      // Statements prepared in a transaction belong to its client: a fresh memo per transaction.
      const tx = Object.assign(transaction as unknown as Query, {
        t: tables,
        engine: "pg" as const,
        statements: new Map<string, unknown>(),
        jsonRows,
      }) as Tx;
      return current.run(tx, () => fn(tx));
    });
  }

  return {
    dialect: "pg",
    pool,
    conn: () => current.current() ?? shared,
    async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const joined = current.current();
      if (joined) {
        return fn(joined);
      }
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(fn);
        } catch (error) {
          const state = sqlStateOf(error);
          if (!state || !RETRYABLE.has(state) || attempt >= MAX_ATTEMPTS) {
            throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        }
      }
    },
    lock: async (tx, key) => {
      const lockSql = sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
      await (tx as unknown as { execute: (query: typeof lockSql) => Promise<unknown> }).execute(lockSql);
    },
    ping: async () => {
      await pool.query("select 1");
    },
    migrated: async () => {
      const result = await pool.query<{ last: string | null }>(
        "select max(created_at) as last from drizzle.__drizzle_migrations",
      );
      return Number(result.rows[0]?.last) >= lastMigration;
    },
    close: () => pool.end(),
  };
}
