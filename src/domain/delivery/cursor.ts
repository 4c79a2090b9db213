/**
 * How far a delivery channel has taken the events outbox, without reading its history at every take.
 *
 * Every event up to `afterSeq` has been taken, except the sequence numbers in `gaps`: numbers not seen yet when a
 * later one was. On PostgreSQL a transaction may take a sequence number and commit after another that took a later
 * one (or never: a rollback, or an `ON CONFLICT DO NOTHING` append, burns its number), so a number missing below the
 * newest event seen may still appear. Each take looks for its gaps (an index range per gap) besides what is new, and
 * a gap is closed once its events appear, or given up once it has been open longer than the late-commit window
 * (Laurel's transactions hold no network or signing work: they last milliseconds; a commit that comes later than
 * the window would not be delivered, and its gap is logged when given up). SQLite commits in sequence order (one
 * writer at a time), so a number missing there was burned (a rollback, a de-duplicated append) and is given up once
 * the window has passed, as on PostgreSQL.
 */
export type SeqGap = {
  /** First and last missing sequence number (inclusive). */
  from: number;
  to: number;
  /** When the gap was first seen (ms since the epoch): it is given up `LATE_COMMIT_MS` later. */
  since: number;
};

export type OutboxCursor = { afterSeq: number; gaps: SeqGap[] };

/** How long a missing sequence number is looked for before it is taken for one that will never commit. */
export const LATE_COMMIT_MS = 10 * 60_000;

/** At most this many gaps are kept (the oldest are given up first): each costs every take an index probe. */
export const MAX_GAPS = 1000;

/**
 * The cursor after a take. `fromGaps`: sequence numbers taken from the gaps; `fresh`: those taken after `afterSeq`,
 * ascending (every event after `afterSeq` up to the last of them that the take could see). Returns the new cursor and
 * the gaps given up (the window passed, or too many gaps).
 */
export function advanceCursor(
  cursor: OutboxCursor,
  taken: { fromGaps: readonly number[]; fresh: readonly number[] },
  now: number,
  windowMs = LATE_COMMIT_MS,
): { cursor: OutboxCursor; givenUp: SeqGap[] } {
  const found = [...taken.fromGaps].sort((a, b) => a - b);
  const open: SeqGap[] = [];
  const givenUp: SeqGap[] = [];
  for (const gap of cursor.gaps) {
    // What is left of the gap once the numbers found in it are taken out.
    let from = gap.from;
    const parts: SeqGap[] = [];
    for (const seq of found) {
      if (seq < from || seq > gap.to) {
        continue;
      }
      if (seq > from) {
        parts.push({ from, to: seq - 1, since: gap.since });
      }
      from = seq + 1;
    }
    if (from <= gap.to) {
      parts.push({ from, to: gap.to, since: gap.since });
    }
    for (const part of parts) {
      (now - part.since >= windowMs ? givenUp : open).push(part);
    }
  }
  let afterSeq = cursor.afterSeq;
  for (const seq of taken.fresh) {
    if (seq > afterSeq + 1) {
      open.push({ from: afterSeq + 1, to: seq - 1, since: now });
    }
    afterSeq = Math.max(afterSeq, seq);
  }
  open.sort((a, b) => a.from - b.from);
  if (open.length > MAX_GAPS) {
    const oldest = [...open].sort((a, b) => a.since - b.since || a.from - b.from).slice(0, open.length - MAX_GAPS);
    givenUp.push(...oldest);
    const dropped = new Set(oldest);
    return { cursor: { afterSeq, gaps: open.filter((g) => !dropped.has(g)) }, givenUp };
  }
  return { cursor: { afterSeq, gaps: open }, givenUp };
}
