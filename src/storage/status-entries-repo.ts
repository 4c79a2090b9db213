import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { StatusPurpose, StatusSlot } from "../domain/status/status-list-credential.js";
import { encodeRows, placeholderOf, prepared } from "./prepared.js";
import {
  bumpListVersion,
  createStatusList,
  openStatusList,
  type StatusListRow,
  setAllocated,
} from "./status-lists-repo.js";
import type { Conn, Tables, Tx } from "./store.js";

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

/**
 * Claims `index` if nobody has it (the primary key decides); true when this call got it. The list's `allocated` is
 * counted in `list`, and stored at once unless `deferred` (a block's reservation stores it once: writeOpenLists).
 */
async function claim(tx: Tx, list: StatusListRow, index: number, now: Date, deferred = false): Promise<boolean> {
  const insert = prepared(tx, "status_entries_claim", (d) => {
    const { statusEntries } = d.t;
    return d
      .insert(statusEntries)
      .values({
        listId: placeholderOf(statusEntries.listId, "listId"),
        idx: placeholderOf(statusEntries.idx, "idx"),
        reservedAt: placeholderOf(statusEntries.reservedAt, "at"),
      })
      .onConflictDoNothing()
      .returning({ idx: statusEntries.idx });
  });
  const inserted = await insert.execute({ listId: list.id, idx: index, at: now });
  if (inserted.length > 0) {
    list.allocated += 1;
    if (!deferred) {
      await setAllocated(tx, list.id, list.allocated);
    }
  }
  return inserted.length > 0;
}

/** Draws uniformly among the free indexes of a nearly full list; undefined when it is full. */
async function claimFromFreeSet(tx: Tx, list: StatusListRow, options: ReserveOptions): Promise<number | undefined> {
  const { statusEntries } = tx.t;
  const rows = await tx.select({ idx: statusEntries.idx }).from(statusEntries).where(eq(statusEntries.listId, list.id));
  const taken = new Uint8Array(list.length);
  for (const { idx } of rows) {
    taken[idx] = 1;
  }
  const free = list.length - rows.length;
  if (free <= 0) {
    await setAllocated(tx, list.id, list.length);
    return undefined;
  }
  let k = options.randomInt(free);
  for (let index = 0; index < list.length; index++) {
    if (taken[index] === 0 && k-- === 0) {
      // stored at once: the list is read again (openStatusList) only once it is full
      if (!(await claim(tx, list, index, options.now))) {
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
 * from the free set. Call it inside the reservation transaction, which holds the `status-allocation` lock: the
 * reservation must be committed before the credential carrying it is signed.
 */
export async function reserveStatusSlot(tx: Tx, options: ReserveOptions, open?: OpenLists): Promise<StatusSlot> {
  for (;;) {
    const list =
      open?.get(options.purpose) ??
      (await openStatusList(tx, options.purpose)) ??
      (await createStatusList(tx, options));
    open?.set(options.purpose, list);
    if (list.allocated < list.length * DENSE_RATIO) {
      for (let probe = 0; probe < MAX_PROBES; probe++) {
        const index = options.randomInt(list.length);
        if (await claim(tx, list, index, options.now, open !== undefined)) {
          return { listId: list.id, index, purpose: options.purpose };
        }
      }
    }
    const index = await claimFromFreeSet(tx, list, options);
    if (index !== undefined) {
      return { listId: list.id, index, purpose: options.purpose };
    }
    open?.delete(options.purpose); // full (its `allocated` stored by claimFromFreeSet): the next list
  }
}

/**
 * The list each purpose reserves from, as read (or created) by an earlier reservation of the same transaction, its
 * `allocated` count kept by each claim: a block of reservations reads the open list once per purpose, not once per
 * index (the row carries the signed list, the read was the block's dearest statement), and stores the count once, at
 * its end (writeOpenLists): each UPDATE of the row rewrote it, signed list and all. Only within one transaction,
 * which holds the `status-allocation` lock: nobody else changes the lists meanwhile.
 */
export type OpenLists = Map<StatusPurpose, StatusListRow>;

/** Stores the `allocated` count of each list a block reserved from (call it before its transaction commits). */
export async function writeOpenLists(tx: Tx, open: OpenLists): Promise<void> {
  for (const [, list] of open) {
    await setAllocated(tx, list.id, list.allocated);
  }
}

/** Marks reserved entries as the credential's; throws unless every one was reserved and unused. */
export async function assignStatusSlots(tx: Tx, credentialId: string, slots: StatusSlot[]): Promise<void> {
  const assign = prepared(tx, "status_entries_assign", (d) => {
    const { statusEntries } = d.t;
    return d
      .update(statusEntries)
      .set({ credentialId: sql`${sql.placeholder("credentialId")}` })
      .where(
        and(
          eq(statusEntries.listId, sql.placeholder("listId")),
          eq(statusEntries.idx, sql.placeholder("idx")),
          isNull(statusEntries.credentialId),
        ),
      )
      .returning({ idx: statusEntries.idx });
  });
  for (const slot of slots) {
    const assigned = await assign.execute({ credentialId, listId: slot.listId, idx: slot.index });
    if (assigned.length !== 1) {
      throw new Error(`status index ${slot.listId}/${slot.index} is not a reserved, unused entry`);
    }
  }
}

/**
 * assignStatusSlots for many credentials: one UPDATE … FROM the rows (`Conn.jsonRows`, prepared once, whatever their
 * number); throws unless every slot was reserved and unused (the caller's transaction then stores none of them).
 */
export async function assignStatusSlotsMany(
  tx: Tx,
  assigned: readonly { credentialId: string; slots: readonly StatusSlot[] }[],
): Promise<void> {
  const rows = assigned.flatMap(({ credentialId, slots }) =>
    slots.map((slot) => ({ listId: slot.listId, idx: slot.index, credentialId })),
  );
  if (rows.length === 0) {
    return;
  }
  const { statusEntries: t } = tx.t;
  const columns = [
    { key: "listId", column: t.listId },
    { key: "idx", column: t.idx },
    { key: "credentialId", column: t.credentialId },
  ];
  const update = prepared(tx, "status_entries_assign_rows", (d) => {
    const { statusEntries } = d.t;
    return d
      .update(statusEntries)
      .set({ credentialId: sql`s.c2` })
      .from(sql`(${d.jsonRows("rows", columns)}) as s`)
      .where(
        and(
          eq(statusEntries.listId, sql`s.c0`),
          eq(statusEntries.idx, sql`s.c1`),
          // "is null" written so that no index serves it: SQLite otherwise walks every unassigned entry
          // (status_entries_credential_idx) and the rows for each, where it should find each row's entry by its key
          sql`(case when ${statusEntries.credentialId} is null then 1 else 0 end) = 1`,
        ),
      )
      .returning({ idx: statusEntries.idx });
  });
  const updated = (await update.execute({ rows: encodeRows(rows, columns) })) as unknown[];
  if (updated.length !== rows.length) {
    const slots = rows.map((row) => `${row.listId}/${row.idx}`).join(", ");
    throw new Error(`of status indexes ${slots}, ${rows.length - updated.length} are not reserved, unused entries`);
  }
}

/** The status entries of a credential, by purpose (prepared once: admin lists read it per row). */
export async function slotsOf(db: Conn, credentialId: string): Promise<StatusSlot[]> {
  const query = prepared(db, "status_entries_of_credential", (d) => {
    const { statusEntries, statusLists } = d.t;
    return d
      .select({ listId: statusEntries.listId, index: statusEntries.idx, purpose: statusLists.purpose })
      .from(statusEntries)
      .innerJoin(statusLists, eq(statusLists.id, statusEntries.listId))
      .where(eq(statusEntries.credentialId, sql.placeholder("credentialId")));
  });
  return query.execute({ credentialId });
}

/** Sets or clears a status bit; bumps the list's version when it changed. Returns whether it changed. */
export async function setStatusBit(tx: Tx, slot: StatusSlot, on: boolean): Promise<boolean> {
  const { statusEntries } = tx.t;
  const bit = on ? 1 : 0;
  const changed = await tx
    .update(statusEntries)
    .set({ bit })
    .where(and(eq(statusEntries.listId, slot.listId), eq(statusEntries.idx, slot.index), ne(statusEntries.bit, bit)))
    .returning({ idx: statusEntries.idx });
  if (changed.length > 0) {
    await bumpListVersion(tx, slot.listId);
  }
  return changed.length > 0;
}

export type EntryRow = Tables["statusEntries"]["$inferSelect"];

/** Every entry of a list (tests and diagnostics). */
export async function entriesOfList(db: Conn, listId: string): Promise<EntryRow[]> {
  const { statusEntries } = db.t;
  return db.select().from(statusEntries).where(eq(statusEntries.listId, listId));
}
