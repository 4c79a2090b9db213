import {
  and,
  type Column,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { executeRows, fixedLimit, placeholderOf, placeholderRows, prepared, rowRuns, rowsOf } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type CredentialInsert = Tables["credentials"]["$inferInsert"];

export type CredentialRecord = {
  id: string;
  achievementId: string;
  achievementName: string;
  achievementVersion: string;
  recipientEmail: string;
  recipientName: string;
  validFrom: Date;
  validUntil: Date | null;
  document: string;
  jwt: string;
  verificationMethod: string;
  issuedBy: string;
  createdAt: Date;
  /** For automatic awards: definition version, evidence ids and the evaluation report. */
  decision: Record<string, unknown> | null;
} & CredentialLifecycleColumns;

/** Where the credential stands: revocation (final), suspension, and the credentials it replaced or was replaced by. */
export type CredentialLifecycleColumns = {
  revokedAt: Date | null;
  revocationReason: string | null;
  revocationReasonPublic: boolean | null;
  suspendedAt: Date | null;
  suspensionReason: string | null;
  suspensionReasonPublic: boolean | null;
  supersededBy: string | null;
  supersedes: string | null;
};

/** Inserts a credential row; call it inside the caller's transaction (statement prepared once: every issuance). */
export async function insertCredential(
  tx: Tx,
  row: Required<Omit<CredentialInsert, "historyChanges" | "recipientEmail">>,
): Promise<void> {
  const insert = prepared(tx, "credentials_insert", (d) => {
    const { credentials, recipients } = d.t;
    // historyChanges starts at its default (0) and is kept by the database (schema: a trigger on audit_log);
    // recipientEmail is the recipient's, read here from the row the caller stored it in (one index lookup), so no
    // caller can store another
    const values = Object.fromEntries(
      Object.entries(getTableColumns(credentials))
        .filter(([key]) => key !== "historyChanges" && key !== "recipientEmail")
        .map(([key, column]) => [key, placeholderOf(column, key)]),
    );
    values.recipientEmail = sql`(select ${recipients.email} from ${recipients} where ${recipients.id} = ${sql.placeholder("recipientId")})`;
    return d.insert(credentials).values(values as unknown as CredentialInsert);
  });
  await insert.execute(row);
}

/**
 * Inserts credential rows as insertCredential does each (its recipientEmail read from the recipient row, its
 * historyChanges the default), in multi-row statements prepared once per row count: a bulk issuance's batch in one.
 */
export async function insertCredentials(
  tx: Tx,
  rows: readonly Required<Omit<CredentialInsert, "historyChanges" | "recipientEmail">>[],
): Promise<void> {
  for (const run of rowRuns(rows)) {
    const insert = prepared(tx, `credentials_insert_rows_${run.length}`, (d) => {
      const { credentials, recipients } = d.t;
      const columns = insertedColumns(d.t);
      const values = placeholderRows(columns, run.length, (i) => ({
        recipientEmail: sql`(select ${recipients.email} from ${recipients} where ${recipients.id} = ${sql.placeholder(`recipientId_${i}`)})`,
      }));
      return d.insert(credentials).values(values as unknown as CredentialInsert[]);
    });
    await executeRows(tx, insert, run, Object.keys(insertedColumns(tx.t)));
  }
}

/** The columns a caller gives when inserting a credential (not historyChanges, kept by the database, nor recipientEmail). */
function insertedColumns(t: Tables): Record<string, Column> {
  return Object.fromEntries(
    Object.entries(getTableColumns(t.credentials)).filter(
      ([key]) => key !== "historyChanges" && key !== "recipientEmail",
    ),
  );
}

function lifecycleColumns({ credentials }: Tables) {
  return {
    revokedAt: credentials.revokedAt,
    revocationReason: credentials.revocationReason,
    revocationReasonPublic: credentials.revocationReasonPublic,
    suspendedAt: credentials.suspendedAt,
    suspensionReason: credentials.suspensionReason,
    suspensionReasonPublic: credentials.suspensionReasonPublic,
    supersededBy: credentials.supersededBy,
    supersedes: credentials.supersedes,
  };
}

function recordColumns(t: Tables) {
  const { credentials, achievements, recipients } = t;
  return {
    id: credentials.id,
    achievementId: credentials.achievementId,
    achievementName: achievements.name,
    achievementVersion: credentials.achievementVersion,
    recipientEmail: recipients.email,
    recipientName: credentials.recipientName,
    validFrom: credentials.validFrom,
    validUntil: credentials.validUntil,
    document: credentials.document,
    jwt: credentials.jwt,
    verificationMethod: credentials.verificationMethod,
    issuedBy: credentials.issuedBy,
    createdAt: credentials.createdAt,
    decision: credentials.decision,
    ...lifecycleColumns(t),
  };
}

function selectRecords(db: Conn) {
  const { credentials, achievements, recipients } = db.t;
  return db
    .select(recordColumns(db.t))
    .from(credentials)
    .innerJoin(achievements, eq(achievements.id, credentials.achievementId))
    .innerJoin(recipients, eq(recipients.id, credentials.recipientId));
}

/** One credential with its achievement and recipient (statement prepared once per connection: the page path). */
export async function findCredential(db: Conn, id: string): Promise<CredentialRecord | undefined> {
  const query = prepared(db, "credentials_find", (d) =>
    selectRecords(d)
      .where(eq(d.t.credentials.id, sql.placeholder("id")))
      .limit(fixedLimit(1)),
  );
  return (await query.execute({ id }))[0];
}

/** Only the lifecycle columns of one credential (the public page reads them on every request; prepared once). */
export async function findCredentialLifecycle(db: Conn, id: string): Promise<CredentialLifecycleColumns | undefined> {
  const query = prepared(db, "credentials_lifecycle", (d) => {
    const { credentials } = d.t;
    return d
      .select(lifecycleColumns(d.t))
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ id }))[0];
}

async function recipientOf(db: Conn, id: string): Promise<string | undefined> {
  const query = prepared(db, "credentials_recipient_of", (d) => {
    const { credentials } = d.t;
    return d
      .select({ recipientId: credentials.recipientId })
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ id }))[0]?.recipientId;
}

/** Whether two credentials were issued to the same recipient (the same person record, i.e. the same email). */
export async function sameRecipient(db: Conn, a: string, b: string): Promise<boolean> {
  const first = await recipientOf(db, a);
  return first !== undefined && first === (await recipientOf(db, b));
}

/** Just the signed document, for the public read path (one indexed lookup, no joins, prepared once). */
export async function findCredentialDocument(
  db: Conn,
  id: string,
): Promise<{ document: string; jwt: string } | undefined> {
  const query = prepared(db, "credentials_document", (d) => {
    const { credentials } = d.t;
    return d
      .select({ document: credentials.document, jwt: credentials.jwt })
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ id }))[0];
}

/** The signed document alone (the verify paths: its VC-JWT, as long again, is not read; prepared once). */
export async function findStoredDocument(db: Conn, id: string): Promise<string | undefined> {
  const query = prepared(db, "credentials_document_only", (d) => {
    const { credentials } = d.t;
    return d
      .select({ document: credentials.document })
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ id }))[0]?.document;
}

export type CredentialPageQuery = {
  achievementId?: string;
  email?: string;
  limit: number;
  after?: { createdAt: Date; id: string };
};

/** Newest first, keyset-paginated on (createdAt, id); returns one page. */
export async function listCredentials(db: Conn, query: CredentialPageQuery): Promise<CredentialRecord[]> {
  const { credentials, recipients } = db.t;
  const filters: SQL[] = [];
  if (query.achievementId) {
    filters.push(eq(credentials.achievementId, query.achievementId));
  }
  if (query.email) {
    filters.push(eq(recipients.email, query.email));
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    const older = or(
      lt(credentials.createdAt, createdAt),
      and(eq(credentials.createdAt, createdAt), lt(credentials.id, id)),
    );
    if (older) {
      filters.push(older);
    }
  }
  return selectRecords(db)
    .where(and(...filters))
    .orderBy(desc(credentials.createdAt), desc(credentials.id))
    .limit(query.limit);
}

/** Where a credential stands in a list: the lifecycle state, or expired (neither revoked nor suspended, past its expiry). */
export type ListedState = "active" | "revoked" | "suspended" | "expired";

export type CredentialSummaryQuery = {
  achievementId?: string;
  /** A normalised email: that recipient's credentials only. */
  email?: string;
  state?: ListedState;
  /** What "expired" is measured against. */
  now: Date;
  limit: number;
  after?: { createdAt: Date; id: string };
};

/** A credential as a list shows it (no document, no VC-JWT); times in epoch milliseconds. */
export type CredentialSummary = {
  id: string;
  achievementId: string;
  achievementName: string;
  recipientEmail: string;
  recipientName: string;
  validUntil: number | null;
  createdAt: number;
  /** Its state at the query's `now` (the state filter's, when the list is filtered by one). */
  state: ListedState;
};

/** A credential's state at `now`, by the rules `stateFilter` asks the database (epoch milliseconds). */
function stateAt(revokedAt: number | null, suspendedAt: number | null, validUntil: number | null, now: number) {
  if (revokedAt !== null) {
    return "revoked";
  }
  if (suspendedAt !== null) {
    return "suspended";
  }
  return validUntil !== null && validUntil <= now ? "expired" : "active";
}

function stateFilter(t: Tables, state: ListedState, now: SQL): SQL | undefined {
  const { credentials } = t;
  const unexpired = or(isNull(credentials.validUntil), gt(credentials.validUntil, now));
  switch (state) {
    case "revoked":
      return isNotNull(credentials.revokedAt);
    case "suspended":
      return and(isNull(credentials.revokedAt), isNotNull(credentials.suspendedAt));
    case "expired":
      return and(isNull(credentials.revokedAt), isNull(credentials.suspendedAt), lte(credentials.validUntil, now));
    case "active":
      return and(isNull(credentials.revokedAt), isNull(credentials.suspendedAt), unexpired);
  }
}

/** The list's statement for this query's shape (listCredentialSummaries' key names it). */
function credentialSummariesQuery(d: Conn, query: CredentialSummaryQuery) {
  const oneAchievement = Boolean(query.achievementId);
  const { credentials, recipients } = d.t;
  const filters: (SQL | undefined)[] = [];
  if (oneAchievement) {
    filters.push(eq(credentials.achievementId, sql.placeholder("achievementId")));
  }
  if (query.email) {
    filters.push(
      eq(
        credentials.recipientId,
        sql`(select ${recipients.id} from ${recipients} where ${recipients.email} = ${sql.placeholder("email")})`,
      ),
    );
  }
  if (query.state) {
    filters.push(stateFilter(d.t, query.state, placeholderOf(credentials.validUntil, "now")));
  }
  if (query.after) {
    const createdAt = placeholderOf(credentials.createdAt, "afterCreatedAt");
    filters.push(
      or(
        lt(credentials.createdAt, createdAt),
        and(eq(credentials.createdAt, createdAt), lt(credentials.id, sql.placeholder("afterId"))),
      ),
    );
  }
  // The recipient's email from the index entry (credentials.recipient_email), with no lookup of the recipient's
  // row: only a row stored without it (none once migration recipient_email ran) reads it from recipients.
  const recipientEmail = sql<string>`coalesce(${credentials.recipientEmail}, (select ${recipients.email} from ${recipients} where ${recipients.id} = ${credentials.recipientId}))`;
  return d
    .select({
      id: credentials.id,
      recipientEmail,
      recipientName: credentials.recipientName,
      validUntil: credentials.validUntil,
      createdAt: credentials.createdAt,
      ...(oneAchievement ? {} : { achievementId: credentials.achievementId }),
      // Filtered by a state, every row is in it: the lifecycle columns (two values per row, each read costs a
      // value) are read only to tell an unfiltered list's states apart
      ...(query.state ? {} : { revokedAt: credentials.revokedAt, suspendedAt: credentials.suspendedAt }),
    })
    .from(credentials)
    .where(and(...filters))
    .orderBy(desc(credentials.createdAt), desc(credentials.id))
    .limit(fixedLimit(query.limit));
}

/**
 * The console's list: newest first, keyset-paginated on (createdAt, id), filtered by certification, recipient and
 * state; light rows. The indexes on (achievement_id, created_at, id), (created_at, id) and the recipient's email keep
 * it fast at 100,000 credentials (a rare state alone scans the newest-first index until the page is full). One
 * statement per combination of filters (at most 40) and page size (the console's one), prepared once per connection:
 * building the query cost drizzle about as much as running it; its rows read as arrays (rowsOf), not mapped by drizzle
 * row by row.
 */
export async function listCredentialSummaries(db: Conn, query: CredentialSummaryQuery): Promise<CredentialSummary[]> {
  // Filtered by one certification, the rows do not repeat its id (every text column read costs a string per row);
  // the page's certification names are read in one statement (achievementNames), not joined per row. One test of
  // "filtered" for the statement's key, its filter and its columns alike.
  const oneAchievement = Boolean(query.achievementId);
  // the limit is in the statement's text (fixedLimit: a bound one has SQLite compile the statement on every run)
  const key = `credentials_summaries:${oneAchievement ? "a" : ""}:${query.email ? "e" : ""}:${query.state ?? ""}:${query.after ? "p" : ""}:${query.limit}`;
  const statement = prepared(db, key, credentialSummariesQuery, query);
  const rows = await rowsOf(db, statement, {
    achievementId: query.achievementId,
    email: query.email,
    now: query.now,
    afterCreatedAt: query.after?.createdAt,
    afterId: query.after?.id,
  });
  // one certification's name (a filtered page: read once, no set of ids nor map made), or the page's names
  let names: Map<string, string> | undefined;
  let oneName: string | undefined;
  if (oneAchievement) {
    oneName = rows.length > 0 ? await achievementName(db, query.achievementId as string) : undefined;
  } else {
    const ids = new Set<string>();
    for (const row of rows) {
      ids.add(row[5] as string);
    }
    names = await achievementNames(db, [...ids]);
  }
  // the lifecycle columns follow the achievement's id when the rows carry it
  const lifecycle = oneAchievement ? 5 : 6;
  const now = query.now.getTime();
  const summaries: CredentialSummary[] = [];
  for (const row of rows) {
    const achievementId = (oneAchievement ? query.achievementId : row[5]) as string;
    const name = (oneAchievement ? oneName : names?.get(achievementId)) ?? achievementId;
    const validUntil = row[3] as number | null;
    summaries.push({
      id: row[0] as string,
      achievementId,
      achievementName: name,
      recipientEmail: row[1] as string,
      recipientName: row[2] as string,
      validUntil,
      createdAt: row[4] as number,
      state:
        query.state ?? stateAt(row[lifecycle] as number | null, row[lifecycle + 1] as number | null, validUntil, now),
    });
  }
  return summaries;
}

/**
 * The stored names of the certifications on a list page, in one statement (every credential's certification has a
 * row: a foreign key). One certification, the common case of a filtered list, is a statement prepared once.
 */
async function achievementNames(db: Conn, ids: string[]): Promise<Map<string, string>> {
  if (ids.length <= 1) {
    const [id] = ids;
    const name = id === undefined ? undefined : await achievementName(db, id);
    return new Map(id !== undefined && name !== undefined ? [[id, name]] : []);
  }
  const { achievements } = db.t;
  const rows = await db
    .select({ id: achievements.id, name: achievements.name })
    .from(achievements)
    .where(inArray(achievements.id, ids));
  return new Map(rows.map((row) => [row.id, row.name]));
}

function achievementNameQuery(d: Conn) {
  const { achievements } = d.t;
  return d
    .select({ name: achievements.name })
    .from(achievements)
    .where(eq(achievements.id, sql.placeholder("id")))
    .limit(fixedLimit(1));
}

async function achievementName(db: Conn, id: string): Promise<string | undefined> {
  const query = prepared(db, "achievements_name", achievementNameQuery);
  // read as an array (rowsOf): drizzle's row mapping cost this one-value read as much as the statement
  return (await rowsOf(db, query, { id }))[0]?.[0] as string | undefined;
}

/** Whether a conditional update changed its row. */
function changed(rows: unknown[]): boolean {
  return rows.length > 0;
}

/** Revokes (final); false when it is already revoked. `supersededBy` when a newer credential replaced it. */
export async function markRevoked(
  tx: Tx,
  id: string,
  change: { at: Date; reason: string; reasonPublic: boolean; supersededBy?: string },
): Promise<boolean> {
  const { credentials } = tx.t;
  return changed(
    await tx
      .update(credentials)
      .set({
        revokedAt: change.at,
        revocationReason: change.reason,
        revocationReasonPublic: change.reasonPublic,
        ...(change.supersededBy ? { supersededBy: change.supersededBy } : {}),
      })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt)))
      .returning({ id: credentials.id }),
  );
}

/** Suspends; false unless it is active (neither revoked nor suspended). */
export async function markSuspended(
  tx: Tx,
  id: string,
  change: { at: Date; reason: string; reasonPublic: boolean },
): Promise<boolean> {
  const { credentials } = tx.t;
  return changed(
    await tx
      .update(credentials)
      .set({ suspendedAt: change.at, suspensionReason: change.reason, suspensionReasonPublic: change.reasonPublic })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt), isNull(credentials.suspendedAt)))
      .returning({ id: credentials.id }),
  );
}

/** Lifts a suspension; false unless it is suspended and not revoked. */
export async function markReinstated(tx: Tx, id: string): Promise<boolean> {
  const { credentials } = tx.t;
  return changed(
    await tx
      .update(credentials)
      .set({ suspendedAt: null, suspensionReason: null, suspensionReasonPublic: null })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt), isNotNull(credentials.suspendedAt)))
      .returning({ id: credentials.id }),
  );
}

export type ExpiryCandidate = {
  id: string;
  achievementId: string;
  achievementName: string;
  recipientEmail: string;
  recipientName: string;
  validFrom: Date;
  validUntil: Date;
};

/** Active credentials (neither revoked nor suspended) that expire in (from, to]. */
export async function activeCredentialsExpiringBetween(db: Conn, from: Date, to: Date): Promise<ExpiryCandidate[]> {
  const { credentials, achievements, recipients } = db.t;
  return db
    .select({
      id: credentials.id,
      achievementId: credentials.achievementId,
      achievementName: achievements.name,
      recipientEmail: recipients.email,
      recipientName: credentials.recipientName,
      validFrom: credentials.validFrom,
      validUntil: sql<Date>`${credentials.validUntil}`.mapWith(credentials.validUntil),
    })
    .from(credentials)
    .innerJoin(achievements, eq(achievements.id, credentials.achievementId))
    .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
    .where(
      and(
        gt(credentials.validUntil, from),
        lte(credentials.validUntil, to),
        isNull(credentials.revokedAt),
        isNull(credentials.suspendedAt),
      ),
    );
}
