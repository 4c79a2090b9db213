import { asc, eq, sql } from "drizzle-orm";
import { fixedLimit, prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type EvidenceRow = Tables["evidence"]["$inferSelect"];

export async function findEvidenceByExternalId(db: Conn, externalId: string): Promise<EvidenceRow | undefined> {
  const query = prepared(db, "evidence_by_external_id", (d) => {
    const { evidence } = d.t;
    return d
      .select()
      .from(evidence)
      .where(eq(evidence.externalId, sql.placeholder("externalId")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ externalId }))[0];
}

export async function findEvidence(db: Conn, id: string): Promise<EvidenceRow | undefined> {
  const { evidence } = db.t;
  return (await db.select().from(evidence).where(eq(evidence.id, id)).limit(1))[0];
}

/** The record that corrects `id`, if any. */
export async function findSupersedingEvidence(db: Conn, id: string): Promise<EvidenceRow | undefined> {
  const { evidence } = db.t;
  return (await db.select().from(evidence).where(eq(evidence.supersedes, id)).limit(1))[0];
}

/** Appends one record; call it inside the caller's transaction. */
export async function insertEvidence(tx: Tx, row: EvidenceRow): Promise<void> {
  await tx.insert(tx.t.evidence).values(row);
}

/** A person's evidence, oldest first, then in submission order (superseded records included: the evaluator drops them). */
export async function listEvidenceFor(db: Conn, personEmail: string): Promise<EvidenceRow[]> {
  const query = prepared(db, "evidence_for_person", (d) => {
    const { evidence } = d.t;
    return d
      .select()
      .from(evidence)
      .where(eq(evidence.personEmail, sql.placeholder("personEmail")))
      .orderBy(asc(evidence.occurredAt), asc(evidence.submittedAt), asc(evidence.id));
  });
  return query.execute({ personEmail });
}

/** Every person with at least one evidence record. */
export async function listPeopleWithEvidence(db: Conn): Promise<string[]> {
  const { evidence } = db.t;
  const rows = await db
    .selectDistinct({ email: evidence.personEmail })
    .from(evidence)
    .orderBy(asc(evidence.personEmail));
  return rows.map((r) => r.email);
}
