import { and, desc, eq, getTableColumns, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { preparedWrite } from "./prepared.js";
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
};

function selectRecords(db: Db) {
  return db
    .select(recordColumns)
    .from(credentials)
    .innerJoin(achievements, eq(achievements.id, credentials.achievementId))
    .innerJoin(recipients, eq(recipients.id, credentials.recipientId));
}

export function findCredential(db: Db, id: string): CredentialRecord | undefined {
  return selectRecords(db).where(eq(credentials.id, id)).get();
}

/** Just the signed document, for the public read path (one indexed lookup, no joins). */
export function findCredentialDocument(db: Db, id: string): { document: string; jwt: string } | undefined {
  return db
    .select({ document: credentials.document, jwt: credentials.jwt })
    .from(credentials)
    .where(eq(credentials.id, id))
    .get();
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
