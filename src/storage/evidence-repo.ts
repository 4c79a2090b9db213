import { asc, eq } from "drizzle-orm";
import type { Db } from "./db.js";
import { evidence } from "./schema.js";

export type EvidenceRow = typeof evidence.$inferSelect;

export function findEvidenceByExternalId(db: Db, externalId: string): EvidenceRow | undefined {
  return db.select().from(evidence).where(eq(evidence.externalId, externalId)).get();
}

export function findEvidence(db: Db, id: string): EvidenceRow | undefined {
  return db.select().from(evidence).where(eq(evidence.id, id)).get();
}

/** The record that corrects `id`, if any. */
export function findSupersedingEvidence(db: Db, id: string): EvidenceRow | undefined {
  return db.select().from(evidence).where(eq(evidence.supersedes, id)).get();
}

/** Appends one record; call it inside the caller's transaction. */
export function insertEvidence(db: Db, row: EvidenceRow): void {
  db.insert(evidence).values(row).run();
}

/** A person's evidence, oldest first, then in submission order (superseded records included: the evaluator drops them). */
export function listEvidenceFor(db: Db, personEmail: string): EvidenceRow[] {
  return db
    .select()
    .from(evidence)
    .where(eq(evidence.personEmail, personEmail))
    .orderBy(asc(evidence.occurredAt), asc(evidence.submittedAt), asc(evidence.id))
    .all();
}

/** Every person with at least one evidence record. */
export function listPeopleWithEvidence(db: Db): string[] {
  return db
    .selectDistinct({ email: evidence.personEmail })
    .from(evidence)
    .orderBy(asc(evidence.personEmail))
    .all()
    .map((r) => r.email);
}
