import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import { executeRows, fixedLimit, placeholderOf, placeholderRows, prepared, rowRuns } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

/** What a due evaluation carries: its mark, and the instant before which no evaluation can be complete. */
export type DueMark = { mark: string; notBefore: Date | null };

/**
 * Marks a person's evaluation due with a fresh `mark` (replacing any earlier one); call it in the transaction that
 * stores the change (evidence, a credential issued or changed). Marks are never reused, so a clear that read an older
 * one can never remove this one. `notBefore` (a record dated ahead of the clock) only ever moves later: the person
 * stays due until the latest such date has passed.
 */
export async function markEvaluationDue(
  tx: Tx,
  personEmail: string,
  due: { mark: string; at: Date; notBefore?: Date },
): Promise<void> {
  const notBefore = due.notBefore !== undefined && due.notBefore > due.at ? due.notBefore : null;
  // Prepared once per connection: every issuance, evidence record and status change marks its person.
  const upsert = prepared(tx, "evaluations_due_mark", (d) => {
    const { evaluationsDue } = d.t;
    return d
      .insert(evaluationsDue)
      .values({
        personEmail: placeholderOf(evaluationsDue.personEmail, "personEmail"),
        mark: placeholderOf(evaluationsDue.mark, "mark"),
        markedAt: placeholderOf(evaluationsDue.markedAt, "markedAt"),
        notBefore: placeholderOf(evaluationsDue.notBefore, "notBefore"),
      })
      .onConflictDoUpdate(remark(d.t));
  });
  await upsert.execute({ personEmail, mark: due.mark, markedAt: due.at, notBefore });
}

/** What marking a person already due changes: the new mark and time, the later of the two notBefore. */
function remark({ evaluationsDue }: Tables) {
  return {
    target: evaluationsDue.personEmail,
    set: {
      mark: sql`excluded.mark`,
      markedAt: sql`excluded.marked_at`,
      // The later of the two, whichever is set (written out: SQLite's max() and PostgreSQL's greatest() differ).
      notBefore: sql`case
            when excluded.not_before is null then ${evaluationsDue.notBefore}
            when ${evaluationsDue.notBefore} is null or excluded.not_before > ${evaluationsDue.notBefore}
              then excluded.not_before
            else ${evaluationsDue.notBefore} end`,
    },
  };
}

/**
 * markEvaluationDue for many, as if called for each in turn: a person marked twice keeps the last mark and time and
 * the latest notBefore. Multi-row upserts (one row per person: PostgreSQL updates a row once per statement), prepared
 * once per row count.
 */
export async function markEvaluationsDue(
  tx: Tx,
  marks: readonly { personEmail: string; mark: string; at: Date; notBefore?: Date }[],
): Promise<void> {
  const byPerson = new Map<string, { personEmail: string; mark: string; markedAt: Date; notBefore: Date | null }>();
  for (const { personEmail, mark, at, notBefore: asked } of marks) {
    const notBefore = asked !== undefined && asked > at ? asked : null;
    const earlier = byPerson.get(personEmail)?.notBefore ?? null;
    const later = earlier === null || (notBefore !== null && notBefore > earlier) ? notBefore : earlier;
    byPerson.delete(personEmail); // in the order of each person's last mark
    byPerson.set(personEmail, { personEmail, mark, markedAt: at, notBefore: later });
  }
  const keys = ["personEmail", "mark", "markedAt", "notBefore"];
  for (const run of rowRuns(Array.from(byPerson, ([, row]) => row))) {
    const upsert = prepared(tx, `evaluations_due_mark_rows_${run.length}`, (d) => {
      const { evaluationsDue: e } = d.t;
      const columns = { personEmail: e.personEmail, mark: e.mark, markedAt: e.markedAt, notBefore: e.notBefore };
      return d
        .insert(e)
        .values(placeholderRows(columns, run.length) as never)
        .onConflictDoUpdate(remark(d.t));
    });
    await executeRows(tx, upsert, run, keys);
  }
}

/** The mark of a person's due evaluation, if one is due. */
export async function dueEvaluationMark(db: Conn, personEmail: string): Promise<DueMark | undefined> {
  const query = prepared(db, "evaluations_due_read_mark", (d) => {
    const { evaluationsDue } = d.t;
    return d
      .select({ mark: evaluationsDue.mark, notBefore: evaluationsDue.notBefore })
      .from(evaluationsDue)
      .where(eq(evaluationsDue.personEmail, sql.placeholder("personEmail")))
      .limit(fixedLimit(1));
  });
  return (await query.execute({ personEmail }))[0];
}

/**
 * Clears a person's due evaluation if it still carries `mark` (nothing changed since it was read) and its `notBefore`
 * is not after `evaluatedAt` (the evaluation counted every record); true if cleared.
 */
export async function clearEvaluationDue(
  tx: Tx,
  personEmail: string,
  mark: string,
  evaluatedAt: Date,
): Promise<boolean> {
  const clear = prepared(tx, "evaluations_due_clear", (d) => {
    const { evaluationsDue } = d.t;
    return d
      .delete(evaluationsDue)
      .where(
        and(
          eq(evaluationsDue.personEmail, sql.placeholder("personEmail")),
          eq(evaluationsDue.mark, sql.placeholder("mark")),
          or(
            isNull(evaluationsDue.notBefore),
            lte(evaluationsDue.notBefore, placeholderOf(evaluationsDue.notBefore, "evaluatedAt")),
          ),
        ),
      )
      .returning({ personEmail: evaluationsDue.personEmail });
  });
  const cleared = await clear.execute({ personEmail, mark, evaluatedAt });
  return cleared.length > 0;
}

/**
 * People whose evaluation has been due since `markedBefore` or earlier and can be completed at `now` (their
 * `notBefore` has passed), longest-waiting first.
 */
export async function listDueEvaluations(db: Conn, query: { markedBefore: Date; now: Date }): Promise<string[]> {
  const { evaluationsDue } = db.t;
  const rows = await db
    .select({ email: evaluationsDue.personEmail })
    .from(evaluationsDue)
    .where(
      and(
        lte(evaluationsDue.markedAt, query.markedBefore),
        or(isNull(evaluationsDue.notBefore), lte(evaluationsDue.notBefore, query.now)),
      ),
    )
    .orderBy(asc(evaluationsDue.markedAt), asc(evaluationsDue.personEmail));
  return rows.map((r) => r.email);
}
