import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/storage/db.js";
import { openDb } from "../../src/storage/db.js";
import { assignStatusSlots, entriesOfList, reserveStatusSlot } from "../../src/storage/status-entries-repo.js";
import { listStatusLists } from "../../src/storage/status-lists-repo.js";

let db: Db;
let close: () => void;
beforeEach(() => {
  ({ db, close } = openDb(":memory:"));
});
afterEach(() => close());

const now = new Date("2026-03-02T09:30:00Z");

/** A reproducible generator (mulberry32) so the draws are deterministic. */
function seeded(seed: number): (max: number) => number {
  let a = seed;
  return (max) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * max);
  };
}

function reserve(
  length: number,
  randomInt: (max: number) => number,
  purpose: "revocation" | "suspension" = "revocation",
) {
  return db.transaction(() => reserveStatusSlot(db, { purpose, length, now, randomInt }), { behavior: "immediate" });
}

describe("status index reservation", () => {
  it("takes the drawn index when it is free, and draws again when it is taken", () => {
    const draws = [42, 42, 42, 7];
    const next = () => draws.shift() ?? 0;
    expect(reserve(1024, next)).toEqual({ listId: "1", index: 42, purpose: "revocation" });
    expect(reserve(1024, next)).toEqual({ listId: "1", index: 7, purpose: "revocation" });
    expect(
      entriesOfList(db, "1")
        .map((e) => e.idx)
        .sort((a, b) => a - b),
    ).toEqual([7, 42]);
  });

  it("fills a list completely with distinct indexes, then opens a new one", () => {
    const random = seeded(1);
    const got = Array.from({ length: 64 }, () => reserve(64, random));
    expect(new Set(got.map((s) => s.index)).size).toBe(64);
    expect(got.every((s) => s.listId === "1")).toBe(true);
    expect(reserve(64, random).listId).toBe("2");
    expect(listStatusLists(db).map((l) => [l.id, l.allocated, l.length])).toEqual([
      ["1", 64, 64],
      ["2", 1, 64],
    ]);
  });

  it("draws among the free set when probing keeps failing (an adversarial generator that always says 0)", () => {
    const alwaysZero = () => 0;
    const indexes = Array.from({ length: 16 }, () => reserve(16, alwaysZero).index);
    // Probes all hit 0; the free-set draw (k = 0) then takes the lowest free index each time.
    expect(indexes).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(reserve(16, alwaysZero)).toEqual({ listId: "2", index: 0, purpose: "revocation" });
  });

  it("draws uniformly from the free set of a crowded list", () => {
    const random = seeded(7);
    // Fill 15 of 16 indexes, leaving a random one free; over many lists the survivor must be spread out.
    const survivors = new Map<number, number>();
    for (let round = 0; round < 160; round++) {
      const listIds = new Set<string>();
      let last = 0;
      for (let i = 0; i < 16; i++) {
        const slot = reserve(16, random);
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

  it("keeps revocation and suspension in separate lists", () => {
    const random = seeded(3);
    const r = reserve(1024, random, "revocation");
    const s = reserve(1024, random, "suspension");
    expect(r.listId).not.toBe(s.listId);
    expect(listStatusLists(db).map((l) => [l.id, l.purpose])).toEqual([
      [r.listId, "revocation"],
      [s.listId, "suspension"],
    ]);
  });

  it("assigns a reserved entry to one credential only, and never deletes or moves entries", () => {
    const slot = reserve(1024, () => 5);
    assignStatusSlots(db, "cred-a", [slot]);
    expect(() => assignStatusSlots(db, "cred-b", [slot])).toThrow(/not a reserved, unused entry/);
    expect(() => assignStatusSlots(db, "cred-b", [{ ...slot, index: 6 }])).toThrow(/not a reserved, unused entry/);
    const sqlite = db.$client;
    expect(() => sqlite.prepare("update status_entries set credential_id = 'x'").run()).toThrow(/one credential/);
    expect(() => sqlite.prepare("delete from status_entries").run()).toThrow(/never deleted/);
    expect(() => sqlite.prepare("update status_entries set idx = 9").run()).toThrow(/never move/);
  });

  it("never clears a revocation bit (the database refuses)", () => {
    const revocation = reserve(1024, () => 5);
    const sqlite = db.$client;
    sqlite.prepare("update status_entries set bit = 1 where list_id = ?").run(revocation.listId);
    expect(() => sqlite.prepare("update status_entries set bit = 0 where list_id = ?").run(revocation.listId)).toThrow(
      /revocation is final/,
    );
    const suspension = reserve(1024, () => 5, "suspension");
    sqlite.prepare("update status_entries set bit = 1 where list_id = ?").run(suspension.listId);
    expect(sqlite.prepare("update status_entries set bit = 0 where list_id = ?").run(suspension.listId).changes).toBe(
      1,
    );
  });
});
