import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { evaluationsDue } from "./schema.js";

/** What a due evaluation carries: its mark, and the instant before which no evaluation can be complete. */
export type DueMark = { mark: string; notBefore: Date | null };

/**
 * Marks a person's evaluation due with a fresh `mark` (replacing any earlier one); call it in the transaction that
 * stores the change (evidence, a credential issued or changed). Marks are never reused, so a clear that read an older
 * one can never remove this one. `notBefore` (a record dated ahead of the clock) only ever moves later: the person
 * stays due until the latest such date has passed.
 */
export function markEvaluationDue(
  db: Db,
  personEmail: string,
  due: { mark: string; at: Date; notBefore?: Date },
): void {
  const notBefore = due.notBefore !== undefined && due.notBefore > due.at ? due.notBefore : null;
  db.insert(evaluationsDue)
    .values({ personEmail, mark: due.mark, markedAt: due.at, notBefore })
    .onConflictDoUpdate({
      target: evaluationsDue.personEmail,
      set: {
        mark: due.mark,
        markedAt: due.at,
        // max() of SQLite is null when either is: keep whichever is set
        notBefore: sql`coalesce(max(${evaluationsDue.notBefore}, excluded.not_before), ${evaluationsDue.notBefore}, excluded.not_before)`,
      },
    })
    .run();
}

/** The mark of a person's due evaluation, if one is due. */
export function dueEvaluationMark(db: Db, personEmail: string): DueMark | undefined {
  return db
    .select({ mark: evaluationsDue.mark, notBefore: evaluationsDue.notBefore })
    .from(evaluationsDue)
    .where(eq(evaluationsDue.personEmail, personEmail))
    .get();
}

/**
 * Clears a person's due evaluation if it still carries `mark` (nothing changed since it was read) and its `notBefore`
 * is not after `evaluatedAt` (the evaluation counted every record); true if cleared.
 */
export function clearEvaluationDue(db: Db, personEmail: string, mark: string, evaluatedAt: Date): boolean {
  const result = db
    .delete(evaluationsDue)
    .where(
      and(
        eq(evaluationsDue.personEmail, personEmail),
        eq(evaluationsDue.mark, mark),
        or(isNull(evaluationsDue.notBefore), lte(evaluationsDue.notBefore, evaluatedAt)),
      ),
    )
    .run();
  return result.changes > 0;
}

/**
 * People whose evaluation has been due since `markedBefore` or earlier and can be completed at `now` (their
 * `notBefore` has passed), longest-waiting first.
 */
export function listDueEvaluations(db: Db, query: { markedBefore: Date; now: Date }): string[] {
  return db
    .select({ email: evaluationsDue.personEmail })
    .from(evaluationsDue)
    .where(
      and(
        lte(evaluationsDue.markedAt, query.markedBefore),
        or(isNull(evaluationsDue.notBefore), lte(evaluationsDue.notBefore, query.now)),
      ),
    )
    .orderBy(asc(evaluationsDue.markedAt), asc(evaluationsDue.personEmail))
    .all()
    .map((r) => r.email);
}
