import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { StatusPurpose, StatusSlot } from "../domain/status/status-list-credential.js";
import type { Db } from "./db.js";
import { preparedFor } from "./prepared.js";
import { statusEntries, statusLists } from "./schema.js";
import {
  bumpListVersion,
  createStatusList,
  openStatusList,
  type StatusListRow,
  setAllocated,
} from "./status-lists-repo.js";

/**
 * Random probes before falling back to drawing among the free set (a probe fails with probability = fill ratio): at
 * 95 % full, 64 probes all fail 3.7 % of the time. Probing is uniform among the free indexes, like the fallback.
 */
const MAX_PROBES = 64;
/** Beyond this fill ratio the free set is drawn from directly: probing would mostly hit taken indexes. */
const DENSE_RATIO = 0.99;

export type ReserveOptions = {
  purpose: StatusPurpose;
  length: number;
  now: Date;
  randomInt: (maxExclusive: number) => number;
};

/** Claims `index` if nobody has it (the primary key decides); true when this call got it. */
function claim(db: Db, list: StatusListRow, index: number, now: Date): boolean {
  const insert = preparedFor(db, "status-entries.claim", (d) =>
    d
      .insert(statusEntries)
      .values({ listId: sql.placeholder("listId"), idx: sql.placeholder("idx"), reservedAt: sql.placeholder("at") })
      .onConflictDoNothing()
      .prepare(),
  );
  const inserted = insert.run({ listId: list.id, idx: index, at: now }).changes > 0;
  if (inserted) {
    list.allocated += 1;
    setAllocated(db, list.id, list.allocated);
  }
  return inserted;
}

/** Draws uniformly among the free indexes of a nearly full list; undefined when it is full. */
function claimFromFreeSet(db: Db, list: StatusListRow, options: ReserveOptions): number | undefined {
  // The taken indexes as plain numbers straight from SQLite (no row objects: a full list has 131,072 of them).
  const takenIndexes = preparedFor(db, "status-entries.taken", (d) => {
    const { sql: query } = d
      .select({ idx: statusEntries.idx })
      .from(statusEntries)
      .where(eq(statusEntries.listId, sql.placeholder("listId")))
      .toSQL();
    return d.$client.prepare(query).pluck();
  });
  const rows = takenIndexes.all(list.id) as number[];
  const taken = new Uint8Array(list.length);
  for (const idx of rows) {
    taken[idx] = 1;
  }
  const free = list.length - rows.length;
  if (free <= 0) {
    setAllocated(db, list.id, list.length);
    return undefined;
  }
  let k = options.randomInt(free);
  for (let index = 0; index < list.length; index++) {
    if (taken[index] === 0 && k-- === 0) {
      if (!claim(db, list, index, options.now)) {
        throw new Error(`status index ${list.id}/${index} was free a moment ago`);
      }
      return index;
    }
  }
  throw new Error("unreachable: free index not found");
}

/**
 * Reserves one index, drawn uniformly at random among the free indexes of the oldest list of this purpose that is not
 * full (a new list when all are). Random probes with the primary key as the judge, then, on a crowded list, a draw
 * from the free set. Call it inside an IMMEDIATE transaction: the reservation must be committed before the credential
 * carrying it is signed.
 */
export function reserveStatusSlot(db: Db, options: ReserveOptions): StatusSlot {
  for (;;) {
    const list = openStatusList(db, options.purpose) ?? createStatusList(db, options);
    if (list.allocated < list.length * DENSE_RATIO) {
      for (let probe = 0; probe < MAX_PROBES; probe++) {
        const index = options.randomInt(list.length);
        if (claim(db, list, index, options.now)) {
          return { listId: list.id, index, purpose: options.purpose };
        }
      }
    }
    const index = claimFromFreeSet(db, list, options);
    if (index !== undefined) {
      return { listId: list.id, index, purpose: options.purpose };
    }
  }
}

/** Marks reserved entries as the credential's; throws unless every one was reserved and unused. */
export function assignStatusSlots(db: Db, credentialId: string, slots: StatusSlot[]): void {
  const assign = preparedFor(db, "status-entries.assign", (d) =>
    d
      .update(statusEntries)
      .set({ credentialId: sql`${sql.placeholder("credentialId")}` })
      .where(
        and(
          eq(statusEntries.listId, sql.placeholder("listId")),
          eq(statusEntries.idx, sql.placeholder("idx")),
          isNull(statusEntries.credentialId),
        ),
      )
      .prepare(),
  );
  for (const slot of slots) {
    const changed = assign.run({ credentialId, listId: slot.listId, idx: slot.index }).changes;
    if (changed !== 1) {
      throw new Error(`status index ${slot.listId}/${slot.index} is not a reserved, unused entry`);
    }
  }
}

/** The status entries of a credential, by purpose (prepared once: admin lists read it per row). */
export function slotsOf(db: Db, credentialId: string): StatusSlot[] {
  const query = preparedFor(db, "status-entries.of-credential", (d) =>
    d
      .select({ listId: statusEntries.listId, index: statusEntries.idx, purpose: statusLists.purpose })
      .from(statusEntries)
      .innerJoin(statusLists, eq(statusLists.id, statusEntries.listId))
      .where(eq(statusEntries.credentialId, sql.placeholder("credentialId")))
      .prepare(),
  );
  return query.all({ credentialId });
}

/** Sets or clears a status bit; bumps the list's version when it changed. Returns whether it changed. */
export function setStatusBit(db: Db, slot: StatusSlot, on: boolean): boolean {
  const bit = on ? 1 : 0;
  const changed =
    db
      .update(statusEntries)
      .set({ bit })
      .where(and(eq(statusEntries.listId, slot.listId), eq(statusEntries.idx, slot.index), ne(statusEntries.bit, bit)))
      .run().changes > 0;
  if (changed) {
    bumpListVersion(db, slot.listId);
  }
  return changed;
}

export type EntryRow = typeof statusEntries.$inferSelect;

/** Every entry of a list (tests and diagnostics). */
export function entriesOfList(db: Db, listId: string): EntryRow[] {
  return db.select().from(statusEntries).where(eq(statusEntries.listId, listId)).all();
}
