import { and, desc, eq, getTableColumns, gt, isNotNull, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { preparedFor, preparedWrite } from "./prepared.js";
import { achievements, credentials, recipients } from "./schema.js";

export type CredentialInsert = typeof credentials.$inferInsert;

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

/** Inserts a credential row; call it inside the caller's transaction. */
export function insertCredential(db: Db, row: Required<CredentialInsert>): void {
  const insert = preparedWrite(db, "credentials.insert", (d) =>
    d
      .insert(credentials)
      .values(
        Object.fromEntries(
          Object.keys(getTableColumns(credentials)).map((c) => [c, sql.placeholder(c)]),
        ) as unknown as CredentialInsert,
      ),
  );
  insert(row);
}

const lifecycleColumns = {
  revokedAt: credentials.revokedAt,
  revocationReason: credentials.revocationReason,
  revocationReasonPublic: credentials.revocationReasonPublic,
  suspendedAt: credentials.suspendedAt,
  suspensionReason: credentials.suspensionReason,
  suspensionReasonPublic: credentials.suspensionReasonPublic,
  supersededBy: credentials.supersededBy,
  supersedes: credentials.supersedes,
};

const recordColumns = {
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
  ...lifecycleColumns,
};

function selectRecords(db: Db) {
  return db
    .select(recordColumns)
    .from(credentials)
    .innerJoin(achievements, eq(achievements.id, credentials.achievementId))
    .innerJoin(recipients, eq(recipients.id, credentials.recipientId));
}

/** One credential with its achievement and recipient (statement prepared once per connection: the page path). */
export function findCredential(db: Db, id: string): CredentialRecord | undefined {
  const query = preparedFor(db, "credentials.find", (d) =>
    selectRecords(d)
      .where(eq(credentials.id, sql.placeholder("id")))
      .prepare(),
  );
  return query.get({ id });
}

/** Only the lifecycle columns of one credential (the public page reads them on every request; prepared once). */
export function findCredentialLifecycle(db: Db, id: string): CredentialLifecycleColumns | undefined {
  const query = preparedFor(db, "credentials.lifecycle", (d) =>
    d
      .select(lifecycleColumns)
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .prepare(),
  );
  return query.get({ id });
}

/** Whether two credentials were issued to the same recipient (the same person record, i.e. the same email). */
export function sameRecipient(db: Db, a: string, b: string): boolean {
  const query = preparedFor(db, "credentials.recipient-of", (d) =>
    d
      .select({ recipientId: credentials.recipientId })
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .prepare(),
  );
  const first = query.get({ id: a })?.recipientId;
  return first !== undefined && first === query.get({ id: b })?.recipientId;
}

/** Just the signed document, for the public read path (one indexed lookup, no joins, prepared once). */
export function findCredentialDocument(db: Db, id: string): { document: string; jwt: string } | undefined {
  const query = preparedFor(db, "credentials.document", (d) =>
    d
      .select({ document: credentials.document, jwt: credentials.jwt })
      .from(credentials)
      .where(eq(credentials.id, sql.placeholder("id")))
      .prepare(),
  );
  return query.get({ id });
}

export type CredentialPageQuery = {
  achievementId?: string;
  email?: string;
  limit: number;
  after?: { createdAt: Date; id: string };
};

/** Newest first, keyset-paginated on (createdAt, id); returns one page. */
export function listCredentials(db: Db, query: CredentialPageQuery): CredentialRecord[] {
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
    .limit(query.limit)
    .all();
}

/** Revokes (final); false when it is already revoked. `supersededBy` when a newer credential replaced it. */
export function markRevoked(
  db: Db,
  id: string,
  change: { at: Date; reason: string; reasonPublic: boolean; supersededBy?: string },
): boolean {
  return (
    db
      .update(credentials)
      .set({
        revokedAt: change.at,
        revocationReason: change.reason,
        revocationReasonPublic: change.reasonPublic,
        ...(change.supersededBy ? { supersededBy: change.supersededBy } : {}),
      })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt)))
      .run().changes > 0
  );
}

/** Suspends; false unless it is active (neither revoked nor suspended). */
export function markSuspended(
  db: Db,
  id: string,
  change: { at: Date; reason: string; reasonPublic: boolean },
): boolean {
  return (
    db
      .update(credentials)
      .set({ suspendedAt: change.at, suspensionReason: change.reason, suspensionReasonPublic: change.reasonPublic })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt), isNull(credentials.suspendedAt)))
      .run().changes > 0
  );
}

/** Lifts a suspension; false unless it is suspended and not revoked. */
export function markReinstated(db: Db, id: string): boolean {
  return (
    db
      .update(credentials)
      .set({ suspendedAt: null, suspensionReason: null, suspensionReasonPublic: null })
      .where(and(eq(credentials.id, id), isNull(credentials.revokedAt), isNotNull(credentials.suspendedAt)))
      .run().changes > 0
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
export function activeCredentialsExpiringBetween(db: Db, from: Date, to: Date): ExpiryCandidate[] {
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
    )
    .all();
}
