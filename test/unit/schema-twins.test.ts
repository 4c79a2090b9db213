import { getTableColumns, getTableName, type InferInsertModel, type InferSelectModel, type Table } from "drizzle-orm";
import { getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as sqliteSchema from "../../src/storage/schema.js";
import * as pgSchema from "../../src/storage/schema-pg.js";

/**
 * The repositories are written once, typed on the SQLite schema, and run on PostgreSQL with its twin tables: the two
 * schemas must describe the same tables, columns and row types. The types are checked by the compiler (typecheck),
 * the rest here.
 */
type Twins = { [K in keyof typeof sqliteSchema & keyof typeof pgSchema]: K };
type Same<K extends keyof Twins> = [
  InferSelectModel<(typeof sqliteSchema)[K]>,
  InferSelectModel<(typeof pgSchema)[K]>,
  InferInsertModel<(typeof sqliteSchema)[K]>,
  InferInsertModel<(typeof pgSchema)[K]>,
];

function tablesOf(schema: Record<string, unknown>): Map<string, Table> {
  return new Map(
    Object.entries(schema).filter(
      (e): e is [string, Table] =>
        typeof e[1] === "object" && e[1] !== null && getTableName(e[1] as Table) !== undefined,
    ),
  );
}

describe("the SQLite and PostgreSQL schemas are twins", () => {
  it("have the same row types (checked by the compiler)", () => {
    expectTypeOf<Same<"credentials">[0]>().toEqualTypeOf<Same<"credentials">[1]>();
    expectTypeOf<Same<"credentials">[2]>().toEqualTypeOf<Same<"credentials">[3]>();
    expectTypeOf<Same<"events">[0]>().toEqualTypeOf<Same<"events">[1]>();
    expectTypeOf<Same<"events">[2]>().toEqualTypeOf<Same<"events">[3]>();
    expectTypeOf<Same<"auditLog">[0]>().toEqualTypeOf<Same<"auditLog">[1]>();
    expectTypeOf<Same<"auditLog">[2]>().toEqualTypeOf<Same<"auditLog">[3]>();
    expectTypeOf<Same<"statusLists">[0]>().toEqualTypeOf<Same<"statusLists">[1]>();
    expectTypeOf<Same<"statusEntries">[0]>().toEqualTypeOf<Same<"statusEntries">[1]>();
    expectTypeOf<Same<"eventDeliveries">[0]>().toEqualTypeOf<Same<"eventDeliveries">[1]>();
    expectTypeOf<Same<"deliveryCursors">[0]>().toEqualTypeOf<Same<"deliveryCursors">[1]>();
    expectTypeOf<Same<"deliveryCursors">[2]>().toEqualTypeOf<Same<"deliveryCursors">[3]>();
    expectTypeOf<Same<"apiKeys">[0]>().toEqualTypeOf<Same<"apiKeys">[1]>();
    expectTypeOf<Same<"apiKeys">[2]>().toEqualTypeOf<Same<"apiKeys">[3]>();
    expectTypeOf<Same<"oauthTokens">[0]>().toEqualTypeOf<Same<"oauthTokens">[1]>();
    expectTypeOf<Same<"vcApiCredentials">[0]>().toEqualTypeOf<Same<"vcApiCredentials">[1]>();
    expectTypeOf<Same<"vcApiCredentials">[2]>().toEqualTypeOf<Same<"vcApiCredentials">[3]>();
    expectTypeOf<Same<"apiKeys">[0]>().toEqualTypeOf<Same<"apiKeys">[1]>();
    expectTypeOf<Same<"evidence">[0]>().toEqualTypeOf<Same<"evidence">[1]>();
    expectTypeOf<Same<"evidence">[2]>().toEqualTypeOf<Same<"evidence">[3]>();
    expectTypeOf<Same<"pendingApprovals">[0]>().toEqualTypeOf<Same<"pendingApprovals">[1]>();
    expectTypeOf<Same<"recipients">[0]>().toEqualTypeOf<Same<"recipients">[1]>();
    expectTypeOf<Same<"achievements">[0]>().toEqualTypeOf<Same<"achievements">[1]>();
    expectTypeOf<Same<"evaluationsDue">[0]>().toEqualTypeOf<Same<"evaluationsDue">[1]>();
    expectTypeOf<Same<"users">[0]>().toEqualTypeOf<Same<"users">[1]>();
    expectTypeOf<Same<"users">[2]>().toEqualTypeOf<Same<"users">[3]>();
    expectTypeOf<Same<"userGrants">[0]>().toEqualTypeOf<Same<"userGrants">[1]>();
    expectTypeOf<Same<"userGrants">[2]>().toEqualTypeOf<Same<"userGrants">[3]>();
    expectTypeOf<Same<"sessions">[0]>().toEqualTypeOf<Same<"sessions">[1]>();
    expectTypeOf<Same<"sessions">[2]>().toEqualTypeOf<Same<"sessions">[3]>();
    expectTypeOf<Same<"signInAttempts">[0]>().toEqualTypeOf<Same<"signInAttempts">[1]>();
    expectTypeOf<Same<"signInAttempts">[2]>().toEqualTypeOf<Same<"signInAttempts">[3]>();
    expectTypeOf<Same<"ssoRequests">[0]>().toEqualTypeOf<Same<"ssoRequests">[1]>();
    expectTypeOf<Same<"ssoRequests">[2]>().toEqualTypeOf<Same<"ssoRequests">[3]>();
    expectTypeOf<Same<"jobs">[0]>().toEqualTypeOf<Same<"jobs">[1]>();
    expectTypeOf<Same<"jobs">[2]>().toEqualTypeOf<Same<"jobs">[3]>();
    expectTypeOf<Same<"jobRows">[0]>().toEqualTypeOf<Same<"jobRows">[1]>();
    expectTypeOf<Same<"jobRows">[2]>().toEqualTypeOf<Same<"jobRows">[3]>();
  });

  it("export the same tables, with the same columns, nullability, keys and indexes", () => {
    const sqlite = tablesOf(sqliteSchema);
    const pg = tablesOf(pgSchema);
    expect([...pg.keys()].sort()).toEqual([...sqlite.keys()].sort());
    for (const [name, table] of sqlite) {
      const twin = pg.get(name) as Table;
      expect(getTableName(twin), name).toBe(getTableName(table));
      const describe = (t: Table) =>
        Object.entries(getTableColumns(t)).map(([key, c]) => ({
          key,
          name: c.name,
          notNull: c.notNull,
          pk: c.primary,
        }));
      expect(describe(twin), name).toEqual(describe(table));
      const s = sqliteConfig(table as Parameters<typeof sqliteConfig>[0]);
      const p = pgConfig(twin as Parameters<typeof pgConfig>[0]);
      const indexes = (list: Array<{ config: { name?: string; unique: boolean } }>) =>
        list.map((i) => `${i.config.name}${i.config.unique ? " unique" : ""}`).sort();
      expect(indexes(p.indexes), name).toEqual(indexes(s.indexes));
      expect(
        p.primaryKeys.map((k) => k.getName()),
        name,
      ).toEqual(s.primaryKeys.map((k) => k.getName()));
      expect(p.foreignKeys.length, name).toBe(s.foreignKeys.length);
    }
  });
});
