import { DAY_MS } from "../time.js";

/**
 * The reminder (days before expiry) due for a credential at `now`, if any: the smallest offset whose point
 * (validUntil − offset) has passed while the credential is still valid. Offsets whose point came before the credential
 * was issued never apply (a credential valid for 20 days gets only the 7-day reminder, not 60 and 30 at once). When
 * several points passed unobserved (the service was down), only the most imminent is due: the larger ones are
 * skipped for good, since the due offset only ever shrinks.
 */
export function dueReminderOffset(input: {
  validFrom: Date;
  validUntil: Date;
  now: Date;
  offsetsDays: readonly number[];
}): number | undefined {
  const until = input.validUntil.getTime();
  const now = input.now.getTime();
  if (now >= until) {
    return undefined;
  }
  const due = input.offsetsDays.filter((days) => {
    const point = until - days * DAY_MS;
    return point <= now && point >= input.validFrom.getTime();
  });
  return due.length > 0 ? Math.min(...due) : undefined;
}

/** The dedupe key of one reminder: each (credential, offset) is emitted once. */
export function reminderKey(credentialId: string, offsetDays: number): string {
  return `credential.expiring:${credentialId}:${offsetDays}d`;
}
