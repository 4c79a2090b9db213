import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { StatusPurpose } from "../domain/status/status-list-credential.js";
import { fixedLimit, prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type StatusListRow = Tables["statusLists"]["$inferSelect"];

/** The oldest list of this purpose that still has free indexes (prepared once: every issuance reads it). */
export async function openStatusList(db: Conn, purpose: StatusPurpose): Promise<StatusListRow | undefined> {
  const query = prepared(db, "status_lists_open", (d) => {
    const { statusLists } = d.t;
    return d
      .select()
      .from(statusLists)
      .where(and(eq(statusLists.purpose, sql.placeholder("purpose")), lt(statusLists.allocated, statusLists.length)))
      .orderBy(asc(sql`cast(${statusLists.id} as integer)`))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ purpose }))[0];
}

/** Creates the next list ("1", "2", …: one numbering across purposes); call it inside the reservation transaction. */
export async function createStatusList(
  tx: Tx,
  input: { purpose: StatusPurpose; length: number; now: Date },
): Promise<StatusListRow> {
  const { statusLists } = tx.t;
  const [last] = await tx
    .select({ n: sql<number>`coalesce(max(cast(${statusLists.id} as integer)), 0)`.mapWith(Number) })
    .from(statusLists);
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
  await tx.insert(statusLists).values(row);
  return row;
}

export async function setAllocated(tx: Tx, listId: string, allocated: number): Promise<void> {
  const update = prepared(tx, "status_lists_set_allocated", (d) => {
    const { statusLists } = d.t;
    return d
      .update(statusLists)
      .set({ allocated: sql`${sql.placeholder("allocated")}` })
      .where(eq(statusLists.id, sql.placeholder("listId")));
  });
  await update.execute({ listId, allocated });
}

/** Records that a bit of the list changed, so the signed document is stale until re-signed. */
export async function bumpListVersion(tx: Tx, listId: string): Promise<void> {
  const { statusLists } = tx.t;
  await tx
    .update(statusLists)
    .set({ version: sql`${statusLists.version} + 1` })
    .where(eq(statusLists.id, listId));
}

export type ListSnapshot = { purpose: StatusPurpose; length: number; version: number; setIndexes: number[] };

/**
 * The list's version and set bits, read in one statement so they belong together (a transaction of two reads would
 * not do on PostgreSQL, whose READ COMMITTED reads each statement at its own moment).
 */
export async function readListSnapshot(db: Conn, listId: string): Promise<ListSnapshot | undefined> {
  const { statusLists, statusEntries } = db.t;
  const rows = await db
    .select({
      purpose: statusLists.purpose,
      length: statusLists.length,
      version: statusLists.version,
      idx: statusEntries.idx,
    })
    .from(statusLists)
    .leftJoin(statusEntries, and(eq(statusEntries.listId, statusLists.id), eq(statusEntries.bit, 1)))
    .where(eq(statusLists.id, listId));
  const [first] = rows;
  if (!first) {
    return undefined;
  }
  const setIndexes = rows.flatMap((r) => (r.idx === null ? [] : [r.idx]));
  return { purpose: first.purpose, length: first.length, version: first.version, setIndexes };
}

/**
 * Stores a signed document unless one of the same or a newer version is already stored: a slow signer
 * finishing late never replaces a newer list. Returns whether it was stored.
 */
export async function storeSignedList(
  tx: Tx,
  input: { listId: string; version: number; document: string; etag: string; signedAt: Date },
): Promise<boolean> {
  const { statusLists } = tx.t;
  const stored = await tx
    .update(statusLists)
    .set({ document: input.document, etag: input.etag, signedVersion: input.version, signedAt: input.signedAt })
    .where(
      and(
        eq(statusLists.id, input.listId),
        or(isNull(statusLists.signedVersion), lt(statusLists.signedVersion, input.version)),
      ),
    )
    .returning({ id: statusLists.id });
  return stored.length > 0;
}

export type ServedList = {
  version: number;
  signedVersion: number | null;
  document: string | null;
  etag: string | null;
};

/**
 * A list's versions and the ETag of its signed document, without the document (prepared once; read on every credential
 * page view). No LIMIT on this primary-key read: a bound `LIMIT ?` (drizzle's) makes SQLite's statement cost about
 * three times as much.
 */
export async function findListVersion(db: Conn, listId: string): Promise<Omit<ServedList, "document"> | undefined> {
  const query = prepared(db, "status_lists_version", (d) => {
    const { statusLists } = d.t;
    return d
      .select({ version: statusLists.version, signedVersion: statusLists.signedVersion, etag: statusLists.etag })
      .from(statusLists)
      .where(eq(statusLists.id, sql.placeholder("id")));
  });
  return (await query.execute({ id: listId }))[0];
}

/** The hot read path of GET /status-lists/{id}: one primary-key lookup, statement prepared once. */
export async function findServedList(db: Conn, listId: string): Promise<ServedList | undefined> {
  const query = prepared(db, "status_lists_served", (d) => {
    const { statusLists } = d.t;
    return d
      .select({
        version: statusLists.version,
        signedVersion: statusLists.signedVersion,
        document: statusLists.document,
        etag: statusLists.etag,
      })
      .from(statusLists)
      .where(eq(statusLists.id, sql.placeholder("id")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ id: listId }))[0];
}

export async function listStatusLists(db: Conn): Promise<StatusListRow[]> {
  const { statusLists } = db.t;
  return db
    .select()
    .from(statusLists)
    .orderBy(asc(sql`cast(${statusLists.id} as integer)`));
}
