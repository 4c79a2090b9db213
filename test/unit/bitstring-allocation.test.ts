import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StatusPurpose } from "../../src/domain/status/status-list-credential.js";
import {
  assignStatusSlots,
  entriesOfList,
  type OpenLists,
  reserveStatusSlot,
} from "../../src/storage/status-entries-repo.js";
import { listStatusLists } from "../../src/storage/status-lists-repo.js";
import type { Store } from "../../src/storage/store.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";
import { seededRandomInt } from "../helpers/seeded.js";
import { refusal } from "../helpers/store.js";

let store: Store;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

const now = new Date("2026-03-02T09:30:00Z");

function reserve(
  length: number,
  randomInt: (max: number) => number,
  purpose: "revocation" | "suspension" = "revocation",
) {
  return store.tx((tx) => reserveStatusSlot(tx, { purpose, length, now, randomInt }));
}

describe("status index reservation", () => {
  it("takes the drawn index when it is free, and draws again when it is taken", async () => {
    const draws = [42, 42, 42, 7];
    const next = () => draws.shift() ?? 0;
    expect(await reserve(1024, next)).toEqual({ listId: "1", index: 42, purpose: "revocation" });
    expect(await reserve(1024, next)).toEqual({ listId: "1", index: 7, purpose: "revocation" });
    expect((await entriesOfList(store.conn(), "1")).map((e) => e.idx).sort((a, b) => a - b)).toEqual([7, 42]);
  });

  it("fills a list completely with distinct indexes, then opens a new one", async () => {
    const random = seededRandomInt(1);
    const got = [];
    for (let i = 0; i < 64; i++) {
      got.push(await reserve(64, random));
    }
    expect(new Set(got.map((s) => s.index)).size).toBe(64);
    expect(got.every((s) => s.listId === "1")).toBe(true);
    expect((await reserve(64, random)).listId).toBe("2");
    expect((await listStatusLists(store.conn())).map((l) => [l.id, l.allocated, l.length])).toEqual([
      ["1", 64, 64],
      ["2", 1, 64],
    ]);
  });

  it("draws among the free set when probing keeps failing (an adversarial generator that always says 0)", async () => {
    const alwaysZero = () => 0;
    const indexes: number[] = [];
    for (let i = 0; i < 16; i++) {
      indexes.push((await reserve(16, alwaysZero)).index);
    }
    // Probes all hit 0; the free-set draw (k = 0) then takes the lowest free index each time.
    expect(indexes).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(await reserve(16, alwaysZero)).toEqual({ listId: "2", index: 0, purpose: "revocation" });
  });

  it("draws uniformly from the free set of a crowded list", async () => {
    const random = seededRandomInt(7);
    // Fill 15 of 16 indexes, leaving a random one free; over many lists the survivor must be spread out.
    const survivors = new Map<number, number>();
    for (let round = 0; round < 160; round++) {
      const listIds = new Set<string>();
      let last = 0;
      for (let i = 0; i < 16; i++) {
        const slot = await reserve(16, random);
        listIds.add(slot.listId);
        last = slot.index;
      }
      expect(listIds.size).toBe(1);
      survivors.set(last, (survivors.get(last) ?? 0) + 1);
    }
    // Every index can be the last one handed out; none dominates (expected 10 each).
    expect(survivors.size).toBe(16);
    expect(Math.max(...survivors.values())).toBeLessThan(25);
  });

  it("in a block, keeps each purpose's open list between reservations: the same indexes, the list read once per list", async () => {
    const purposes = Array.from({ length: 40 }, (_, i): StatusPurpose => (i % 3 === 2 ? "suspension" : "revocation"));
    const oneAtATime = [];
    const random = seededRandomInt(11);
    for (const purpose of purposes) {
      oneAtATime.push(await reserve(16, random, purpose));
    }
    const other = openSqliteStore(":memory:");
    const reads = { lists: 0 };
    type Statement = { all: (...args: unknown[]) => unknown };
    const sqlite = (other as unknown as { sqlite: { prepare: (source: string) => Statement } }).sqlite;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = (source: string) => {
      const statement = prepare(source);
      if (/^select .* from "status_lists" where/.test(source)) {
        const all = statement.all.bind(statement);
        statement.all = (...args: unknown[]) => {
          reads.lists += 1;
          return all(...args);
        };
      }
      return statement;
    };
    const block = await other.tx(async (tx) => {
      const open: OpenLists = new Map();
      const draw = seededRandomInt(11);
      const slots = [];
      for (const purpose of purposes) {
        slots.push(await reserveStatusSlot(tx, { purpose, length: 16, now, randomInt: draw }, open));
      }
      return slots;
    });
    expect(block).toEqual(oneAtATime);
    // 27 revocation indexes over lists of 16 (two lists) and 13 suspension ones (one): a read when each purpose
    // starts and when a list is full, where one at a time read it for every index.
    expect(new Set(block.map((s) => s.listId)).size).toBe(3);
    expect(reads.lists).toBeLessThanOrEqual(4);
    await other.close();
  });

  it("keeps revocation and suspension in separate lists", async () => {
    const random = seededRandomInt(3);
    const r = await reserve(1024, random, "revocation");
    const s = await reserve(1024, random, "suspension");
    expect(r.listId).not.toBe(s.listId);
    expect((await listStatusLists(store.conn())).map((l) => [l.id, l.purpose])).toEqual([
      [r.listId, "revocation"],
      [s.listId, "suspension"],
    ]);
  });

  it("assigns a reserved entry to one credential only, and never deletes or moves entries", async () => {
    const slot = await reserve(1024, () => 5);
    await store.tx((tx) => assignStatusSlots(tx, "cred-a", [slot]));
    await expect(store.tx((tx) => assignStatusSlots(tx, "cred-b", [slot]))).rejects.toThrow(
      /not a reserved, unused entry/,
    );
    await expect(store.tx((tx) => assignStatusSlots(tx, "cred-b", [{ ...slot, index: 6 }]))).rejects.toThrow(
      /not a reserved, unused entry/,
    );
    const { statusEntries } = store.conn().t;
    expect(await refusal(store.tx((tx) => tx.update(statusEntries).set({ credentialId: "x" })))).toMatch(
      /one credential/,
    );
    expect(await refusal(store.tx((tx) => tx.delete(statusEntries)))).toMatch(/never deleted/);
    expect(await refusal(store.tx((tx) => tx.update(statusEntries).set({ idx: 9 })))).toMatch(/never move/);
  });

  it("never clears a revocation bit (the database refuses)", async () => {
    const { statusEntries } = store.conn().t;
    const setBits = (listId: string, bit: number) =>
      store.tx((tx) =>
        tx
          .update(statusEntries)
          .set({ bit })
          .where(eq(statusEntries.listId, listId))
          .returning({ idx: statusEntries.idx }),
      );
    const revocation = await reserve(1024, () => 5);
    await setBits(revocation.listId, 1);
    expect(await refusal(setBits(revocation.listId, 0))).toMatch(/revocation is final/);
    const suspension = await reserve(1024, () => 5, "suspension");
    await setBits(suspension.listId, 1);
    expect((await setBits(suspension.listId, 0)).length).toBe(1);
  });
});
