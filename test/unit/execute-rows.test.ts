import { fillPlaceholders, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVENT_ROW_KEYS, eventsInsertRows } from "../../src/storage/events-repo.js";
import { directValues, executeRows, placeholderRows, prepared, rowValues } from "../../src/storage/prepared.js";
import type { Conn, Store } from "../../src/storage/store.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";

let store: Store;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

type Kept = { execute(values?: Record<string, unknown>): unknown; query: { params: unknown[] } };

const at = new Date("2026-03-02T09:30:00.250Z");
const events = [
  { id: "e1", type: "credential.issued", credentialId: "c1", occurredAt: at, payload: { a: 1 }, dedupeKey: null },
  { id: "e2", type: "credential.issued", credentialId: undefined, occurredAt: at, payload: { b: [2] } },
  { id: "e3", type: "credential.revoked", credentialId: "c3", occurredAt: at, payload: {}, dedupeKey: "k3" },
];
const eventKeys = EVENT_ROW_KEYS;

/** The multi-row insert of events of events-repo.ts, as the kept statement executeRows binds. */
const eventsInsert = (conn: Conn, count: number) => eventsInsertRows(conn, count) as unknown as Kept;

describe("executeRows", () => {
  it("binds what drizzle would bind: each row's values encoded by their columns, null for undefined", () => {
    const conn = store.conn();
    const insert = eventsInsert(conn, events.length);
    const direct = directValues(conn, insert, events, eventKeys);
    expect(direct).toBeDefined();
    expect(direct).toEqual(fillPlaceholders(insert.query.params as never, rowValues(events, eventKeys)));
    // timestamps as epoch milliseconds, JSON as its text, undefined as null
    expect(direct?.slice(0, 12)).toEqual([
      "e1",
      "credential.issued",
      "c1",
      at.getTime(),
      '{"a":1}',
      null,
      "e2",
      "credential.issued",
      null,
      at.getTime(),
      '{"b":[2]}',
      null,
    ]);
  });

  it("binds values written into the statement and computed columns in their places", () => {
    const conn = store.conn();
    const marks = [
      { personEmail: "a@example.org", mark: "m1", markedAt: at, notBefore: null },
      { personEmail: "b@example.org", mark: "m2", markedAt: at, notBefore: new Date(at.getTime() + 5) },
    ];
    const keys = ["personEmail", "mark", "markedAt", "notBefore"];
    const upsert = prepared(conn, "test_due_rows_2", (d) => {
      const { evaluationsDue: e } = d.t;
      const columns = { personEmail: e.personEmail, mark: e.mark, markedAt: e.markedAt, notBefore: e.notBefore };
      return d
        .insert(e)
        .values(
          placeholderRows(columns, 2, (i) => ({
            mark: sql`${`fixed-${i}`} || ${sql.placeholder(`mark_${i}`)}`,
          })) as never,
        )
        .onConflictDoUpdate({ target: e.personEmail, set: { mark: sql`${"again"}` } });
    }) as unknown as Kept;
    const direct = directValues(conn, upsert, marks, keys);
    expect(direct).toEqual(fillPlaceholders(upsert.query.params as never, rowValues(marks, keys)));
    expect(direct).toContain("fixed-1");
    expect(direct).toContain("again");
  });

  it("stores the same rows as drizzle's own binding", async () => {
    const conn = store.conn();
    await executeRows(conn, eventsInsert(conn, 3), events, eventKeys);
    const other = openSqliteStore(":memory:");
    try {
      const otherConn = other.conn();
      await eventsInsert(otherConn, 3).execute(rowValues(events, eventKeys));
      const read = (c: Conn) => c.select().from(c.t.events).orderBy(c.t.events.seq);
      expect(await read(conn)).toEqual(await read(otherConn));
      expect((await read(conn)).map((e) => e.credentialId)).toEqual(["c1", null, "c3"]);
    } finally {
      await other.close();
    }
  });

  it("leaves to drizzle a statement it does not understand, and a run with another row count", async () => {
    const conn = store.conn();
    const returning = prepared(conn, "test_events_returning_1", (d) => {
      const { events: e } = d.t;
      const columns = { id: e.id, type: e.type, occurredAt: e.occurredAt, payload: e.payload };
      return d
        .insert(e)
        .values(placeholderRows(columns, 1) as never)
        .returning({ seq: e.seq });
    }) as unknown as Kept;
    const one = [{ id: "r1", type: "credential.issued", occurredAt: at, payload: {} }];
    expect(directValues(conn, returning, one, ["id", "type", "occurredAt", "payload"])).toBeUndefined();
    const insert = eventsInsert(conn, 3);
    expect(directValues(conn, insert, events, eventKeys)).toBeDefined();
    expect(directValues(conn, insert, events.slice(0, 2), eventKeys)).toBeUndefined();
    expect(directValues(conn, insert, events, eventKeys.slice(1))).toBeUndefined();
    // a placeholder that is not one of the rows' (`<key>_<row>`): through drizzle
    const named = prepared(conn, "test_events_named", (d) => {
      const { events: e } = d.t;
      return d.insert(e).values({
        id: sql.placeholder("theId"),
        type: "credential.issued",
        occurredAt: at,
        payload: {},
      } as never);
    }) as unknown as Kept;
    expect(directValues(conn, named, [{ id: "x" }], ["id"])).toBeUndefined();
    await executeRows(conn, returning, one, ["id", "type", "occurredAt", "payload"]);
    const [row] = await conn.select().from(conn.t.events).orderBy(conn.t.events.seq);
    expect(row?.id).toBe("r1");
  });
});
