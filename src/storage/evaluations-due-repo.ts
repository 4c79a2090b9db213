import { and, asc, eq, lte } from "drizzle-orm";
import type { Db } from "./db.js";
import { evaluationsDue } from "./schema.js";

/**
 * Marks a person's evaluation due with a fresh `mark` (replacing any earlier one); call it in the transaction that
 * stores their evidence. Marks are never reused, so a clear that read an older one can never remove this one.
 */
export function markEvaluationDue(db: Db, personEmail: string, mark: string, at: Date): void {
  db.insert(evaluationsDue)
    .values({ personEmail, mark, markedAt: at })
    .onConflictDoUpdate({ target: evaluationsDue.personEmail, set: { mark, markedAt: at } })
    .run();
}

/** The mark of a person's due evaluation, if one is due. */
export function dueEvaluationMark(db: Db, personEmail: string): string | undefined {
  return db
    .select({ mark: evaluationsDue.mark })
    .from(evaluationsDue)
    .where(eq(evaluationsDue.personEmail, personEmail))
    .get()?.mark;
}

/** Clears a person's due evaluation if it still carries `mark` (no evidence since it was read); true if cleared. */
export function clearEvaluationDue(db: Db, personEmail: string, mark: string): boolean {
  const result = db
    .delete(evaluationsDue)
    .where(and(eq(evaluationsDue.personEmail, personEmail), eq(evaluationsDue.mark, mark)))
    .run();
  return result.changes > 0;
}

/** People whose evaluation has been due since `markedBefore` or earlier, longest-waiting first. */
export function listDueEvaluations(db: Db, query: { markedBefore: Date }): string[] {
  return db
    .select({ email: evaluationsDue.personEmail })
    .from(evaluationsDue)
    .where(lte(evaluationsDue.markedAt, query.markedBefore))
    .orderBy(asc(evaluationsDue.markedAt), asc(evaluationsDue.personEmail))
    .all()
    .map((r) => r.email);
}
