import { eq, sql } from "drizzle-orm";
import { prepared, rowsOf } from "./prepared.js";
import type { Conn } from "./store.js";

/**
 * The person a console page reference names, and the mark of everything their page shows, in one statement: their
 * recipient row (the name can change), their count of changes (person_changes: evidence, approvals and the audit
 * entries about those, counted by triggers whatever the writer; null before the first), and each credential they hold
 * with what changes in place (revoked, suspended, validity) and its count of audit entries besides its issuance
 * (history_changes, counted by a trigger too; the issuance entry is written with the credential's row). `mark` is the
 * same text exactly while nothing the page shows has changed in the database, on whichever node it was changed.
 *
 * A reference is a recipient id, else an evidence record's id (someone known by their evidence alone, or a link made
 * before they held a credential): the record gives the address, and the recipient of that address, if any, the rest.
 * Each is one prepared statement through primary keys and the credentials' recipient index; rows as arrays.
 */
export type PersonMark = {
  email: string;
  /** The recipient's name (named by a recipient id), else the record's (named by a record). */
  name: string | null;
  /** Whether the reference is a recipient id. */
  recipient: boolean;
  /** The name of the recipient of this address (undefined: no credential was ever issued to them). */
  recipientName: string | undefined;
  mark: string;
};

export async function personMarkOf(db: Conn, ref: string): Promise<PersonMark | undefined> {
  const byRecipient = prepared(db, "person_page_mark_recipient", (d) => {
    const { credentials, personChanges, recipients } = d.t;
    return d
      .select({
        email: recipients.email,
        name: recipients.name,
        changes: personChanges.changes,
        ...heldColumns(d),
      })
      .from(recipients)
      .leftJoin(personChanges, eq(personChanges.email, recipients.email))
      .leftJoin(credentials, eq(credentials.recipientId, recipients.id))
      .where(eq(recipients.id, sql.placeholder("ref")))
      .orderBy(credentials.id);
  });
  const rows = await rowsOf(db, byRecipient, { ref });
  const [first] = rows;
  if (first) {
    const name = first[1] as string;
    return { email: first[0] as string, name, recipient: true, recipientName: name, mark: JSON.stringify(rows) };
  }
  const byRecord = prepared(db, "person_page_mark_record", (d) => {
    const { credentials, evidence, personChanges, recipients } = d.t;
    return d
      .select({
        email: evidence.personEmail,
        name: evidence.personName,
        recipient: recipients.id,
        recipientName: recipients.name,
        changes: personChanges.changes,
        ...heldColumns(d),
      })
      .from(evidence)
      .leftJoin(recipients, eq(recipients.email, evidence.personEmail))
      .leftJoin(personChanges, eq(personChanges.email, evidence.personEmail))
      .leftJoin(credentials, eq(credentials.recipientId, recipients.id))
      .where(eq(evidence.id, sql.placeholder("ref")))
      .orderBy(credentials.id);
  });
  const recorded = await rowsOf(db, byRecord, { ref });
  const [record] = recorded;
  if (!record) {
    return undefined;
  }
  return {
    email: record[0] as string,
    name: (record[1] as string | null) ?? null,
    recipient: false,
    recipientName: record[2] === null ? undefined : (record[3] as string),
    mark: JSON.stringify(recorded),
  };
}

/** What a held credential's mark is made of (the award decision is written once with the row: left out). */
function heldColumns(d: Conn) {
  const { credentials } = d.t;
  return {
    credentialId: credentials.id,
    achievementId: credentials.achievementId,
    validFrom: credentials.validFrom,
    validUntil: credentials.validUntil,
    revokedAt: credentials.revokedAt,
    suspendedAt: credentials.suspendedAt,
    historyChanges: credentials.historyChanges,
  };
}
