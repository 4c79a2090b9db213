import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { StatusPurpose } from "../domain/status/status-list-credential.js";
import type { Db } from "./db.js";
import { preparedFor } from "./prepared.js";
import { statusEntries, statusLists } from "./schema.js";

export type StatusListRow = typeof statusLists.$inferSelect;

/** The oldest list of this purpose that still has free indexes. */
export function openStatusList(db: Db, purpose: StatusPurpose): StatusListRow | undefined {
  const query = preparedFor(db, "status-lists.open", (d) =>
    d
      .select()
      .from(statusLists)
      .where(and(eq(statusLists.purpose, sql.placeholder("purpose")), lt(statusLists.allocated, statusLists.length)))
      .orderBy(asc(sql`cast(${statusLists.id} as integer)`))
      .limit(1)
      .prepare(),
  );
  return query.get({ purpose });
}

/** Creates the next list ("1", "2", …: one numbering across purposes); call it inside the reservation transaction. */
export function createStatusList(db: Db, input: { purpose: StatusPurpose; length: number; now: Date }): StatusListRow {
  const last = db
    .select({ n: sql<number>`coalesce(max(cast(${statusLists.id} as integer)), 0)` })
    .from(statusLists)
    .get();
  const row: StatusListRow = {
    id: String((last?.n ?? 0) + 1),
    purpose: input.purpose,
    length: input.length,
    allocated: 0,
    version: 0,
    createdAt: input.now,
    signedVersion: null,
    document: null,
    etag: null,
    signedAt: null,
  };
  db.insert(statusLists).values(row).run();
  return row;
}

export function setAllocated(db: Db, listId: string, allocated: number): void {
  const update = preparedFor(db, "status-lists.set-allocated", (d) =>
    d
      .update(statusLists)
      .set({ allocated: sql`${sql.placeholder("allocated")}` })
      .where(eq(statusLists.id, sql.placeholder("listId")))
      .prepare(),
  );
  update.run({ listId, allocated });
}

/** Records that a bit of the list changed, so the signed document is stale until re-signed. */
export function bumpListVersion(db: Db, listId: string): void {
  db.update(statusLists)
    .set({ version: sql`${statusLists.version} + 1` })
    .where(eq(statusLists.id, listId))
    .run();
}

export type ListSnapshot = { purpose: StatusPurpose; length: number; version: number; setIndexes: number[] };

/** The list's version and set bits, read in one transaction so they belong together. */
export function readListSnapshot(db: Db, listId: string): ListSnapshot | undefined {
  return db.transaction(() => {
    const list = db
      .select({ purpose: statusLists.purpose, length: statusLists.length, version: statusLists.version })
      .from(statusLists)
      .where(eq(statusLists.id, listId))
      .get();
    if (!list) {
      return undefined;
    }
    const setIndexes = db
      .select({ idx: statusEntries.idx })
      .from(statusEntries)
      .where(and(eq(statusEntries.listId, listId), eq(statusEntries.bit, 1)))
      .all()
      .map((r) => r.idx);
    return { ...list, setIndexes };
  });
}

/**
 * Stores a signed document unless one of the same or a newer version is already stored: a slow signer
 * finishing late never replaces a newer list. Returns whether it was stored.
 */
export function storeSignedList(
  db: Db,
  input: { listId: string; version: number; document: string; etag: string; signedAt: Date },
): boolean {
  return (
    db
      .update(statusLists)
      .set({ document: input.document, etag: input.etag, signedVersion: input.version, signedAt: input.signedAt })
      .where(
        and(
          eq(statusLists.id, input.listId),
          or(isNull(statusLists.signedVersion), lt(statusLists.signedVersion, input.version)),
        ),
      )
      .run().changes > 0
  );
}

export type ServedList = {
  version: number;
  signedVersion: number | null;
  document: string | null;
  etag: string | null;
};

/** The hot read path of GET /status-lists/{id}: one primary-key lookup, statement prepared once. */
export function findServedList(db: Db, listId: string): ServedList | undefined {
  const query = preparedFor(db, "status-lists.served", (d) =>
    d
      .select({
        version: statusLists.version,
        signedVersion: statusLists.signedVersion,
        document: statusLists.document,
        etag: statusLists.etag,
      })
      .from(statusLists)
      .where(eq(statusLists.id, sql.placeholder("id")))
      .prepare(),
  );
  return query.get({ id: listId });
}

export function listStatusLists(db: Db): StatusListRow[] {
  return db
    .select()
    .from(statusLists)
    .orderBy(asc(sql`cast(${statusLists.id} as integer)`))
    .all();
}
