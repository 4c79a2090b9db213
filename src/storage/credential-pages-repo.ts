import { and, asc, eq, gt, gte, isNull, lte, sql } from "drizzle-orm";
import type { CredentialLifecycleColumns } from "./credentials-repo.js";
import { prepared, rowsOf } from "./prepared.js";
import type { Conn, Tx } from "./store.js";

/**
 * A credential's lifecycle (live), whether the audit log holds more about it than its issuance (`historyChanges`, 0
 * when not), and its page projection row when it has one (see schema `credentialPages`).
 */
export type CredentialPageRow = CredentialLifecycleColumns & {
  historyChanges: number;
  madeBy: string | null;
  projection: string | null;
  /** The version of the status list asked for with the row (`list`), read in the same statement; null when none. */
  list: StatusListVersion | null;
};

/** A status list's version columns, as `getSignedStatusList` compares them with the list it has parsed. */
export type StatusListVersion = { id: string; version: number; signedVersion: number | null; etag: string | null };

/**
 * One read for a page view: the credential's lifecycle columns and its projection (null when it has none); undefined
 * when there is no such credential. The signed document is not read (prepared once). The id is asked for as the range
 * [id, id]: for `id = ?` SQLite takes the unique key and reads the row, whose lifecycle columns sit after the signed
 * document in overflow pages; for the range it reads them from `credentials_lifecycle_idx` alone (half the time).
 * No LIMIT (the id is unique): drizzle binds a limit as a parameter, and a statement with `LIMIT ?` costs SQLite twice
 * the CPU of the same statement without it (about 29 µs against 15 at 100,000 credentials; 5.5 against 1.9 µs for a
 * primary-key read of a one-row table). The row is read as an array (`rowsOf`), without drizzle's mapping of the
 * joined row into objects; timestamps come back as milliseconds and booleans as SQLite's 0/1 or PostgreSQL's boolean.
 * `list` names a status list whose version columns come with the row (a primary-key lookup in the same statement, about
 * nothing beside the row; a statement of its own per view cost a page view a tenth of its time): a page view asks for
 * the list the previous view's credential named, which is most views' list (a list holds 131,072 credentials).
 */
export async function findCredentialPageRow(db: Conn, id: string, list = ""): Promise<CredentialPageRow | undefined> {
  const query = prepared(db, "credential_page_row", (d) => {
    const { credentials, credentialPages, statusLists } = d.t;
    return d
      .select({
        revokedAt: credentials.revokedAt,
        revocationReason: credentials.revocationReason,
        revocationReasonPublic: credentials.revocationReasonPublic,
        suspendedAt: credentials.suspendedAt,
        suspensionReason: credentials.suspensionReason,
        suspensionReasonPublic: credentials.suspensionReasonPublic,
        supersededBy: credentials.supersededBy,
        supersedes: credentials.supersedes,
        historyChanges: credentials.historyChanges,
        madeBy: credentialPages.madeBy,
        projection: credentialPages.projection,
        listId: statusLists.id,
        listVersion: statusLists.version,
        listSignedVersion: statusLists.signedVersion,
        listEtag: statusLists.etag,
      })
      .from(credentials)
      .leftJoin(credentialPages, eq(credentialPages.credentialId, credentials.id))
      .leftJoin(statusLists, eq(statusLists.id, sql.placeholder("list")))
      .where(and(gte(credentials.id, sql.placeholder("id")), lte(credentials.id, sql.placeholder("id"))));
  });
  const row = (await rowsOf(db, query, { id, list }))[0];
  if (row === undefined) {
    return undefined;
  }
  const [revokedAt, revocationReason, revocationReasonPublic, suspendedAt, suspensionReason, suspensionReasonPublic] =
    row;
  return {
    revokedAt: instant(revokedAt),
    revocationReason: revocationReason as string | null,
    revocationReasonPublic: flag(revocationReasonPublic),
    suspendedAt: instant(suspendedAt),
    suspensionReason: suspensionReason as string | null,
    suspensionReasonPublic: flag(suspensionReasonPublic),
    supersededBy: row[6] as string | null,
    supersedes: row[7] as string | null,
    historyChanges: row[8] as number,
    madeBy: row[9] as string | null,
    projection: row[10] as string | null,
    list:
      row[11] === null || row[11] === undefined
        ? null
        : {
            id: row[11] as string,
            version: row[12] as number,
            signedVersion: row[13] as number | null,
            etag: row[14] as string | null,
          },
  };
}

/** A timestamp column read as milliseconds, as the Date drizzle maps it to. */
function instant(value: unknown): Date | null {
  return value === null ? null : new Date(value as number);
}

/** A boolean column read as 0/1 (SQLite) or a boolean (PostgreSQL), as drizzle maps it. */
function flag(value: unknown): boolean | null {
  return value === null ? null : Boolean(value);
}

/** The text of a page projection's shared part (schema `credentialPageShapes`), or undefined (prepared once). */
export async function findCredentialPageShape(db: Conn, id: string): Promise<string | undefined> {
  const query = prepared(db, "credential_page_shape", (d) => {
    const { credentialPageShapes } = d.t;
    return d
      .select({ shape: credentialPageShapes.shape })
      .from(credentialPageShapes)
      .where(eq(credentialPageShapes.id, sql.placeholder("id")));
  });
  return (await query.execute({ id }))[0]?.shape;
}

/**
 * Stores shared parts of page projections (rows are named by their text's hash: storing one again writes the same
 * text, or repairs a row whose text was changed).
 */
export async function saveCredentialPageShapes(tx: Tx, rows: Array<{ id: string; shape: string }>): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const seen = new Set<string>();
  const unique = rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
  const { credentialPageShapes } = tx.t;
  await tx
    .insert(credentialPageShapes)
    .values(unique)
    .onConflictDoUpdate({ target: credentialPageShapes.id, set: { shape: sql`excluded.shape` } });
}

/** Stores (or replaces) the page projection of credentials, in the caller's transaction. */
export async function saveCredentialPages(
  tx: Tx,
  rows: Array<{ credentialId: string; madeBy: string; projection: string }>,
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const { credentialPages } = tx.t;
  await tx
    .insert(credentialPages)
    .values(rows)
    .onConflictDoUpdate({
      target: credentialPages.credentialId,
      set: { madeBy: sql`excluded.made_by`, projection: sql`excluded.projection` },
    });
}

/**
 * Up to `limit` credentials, by id after `after`, whose page projection is missing or was made otherwise than
 * `madeBy`: their ids and signed documents (the backfill's batches).
 */
export async function credentialsWithoutPage(
  db: Conn,
  options: { madeBy: string; after: string; limit: number },
): Promise<Array<{ id: string; document: string }>> {
  const { credentials, credentialPages } = db.t;
  return db
    .select({ id: credentials.id, document: credentials.document })
    .from(credentials)
    .leftJoin(
      credentialPages,
      and(eq(credentialPages.credentialId, credentials.id), eq(credentialPages.madeBy, options.madeBy)),
    )
    .where(and(gt(credentials.id, options.after), isNull(credentialPages.credentialId)))
    .orderBy(asc(credentials.id))
    .limit(options.limit);
}
