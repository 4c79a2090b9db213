import { and, count, eq, inArray, max, sql } from "drizzle-orm";
import { prepared } from "./prepared.js";
import type { Conn } from "./store.js";

/**
 * What changes whenever anything a person's console page shows changes, besides the rows it reads itself (their
 * credentials, their approvals): their evidence, which is append-only (a correction is a new record), by its count
 * and newest date, read from the index on (person_email, occurred_at) alone; and the audit entries about their
 * credentials and approvals, append-only too, by count (a count, not the newest seq: on PostgreSQL an entry with a
 * lower seq may commit after one with a higher), each an index range of audit_log by (target_type, target_id) for
 * the ids of their rows (a subquery: joined, SQLite would walk every audit entry of the type). An audit entry about evidence is written only with its record
 * (services/record-evidence.ts), so the evidence count covers those. Each prepared once per connection.
 */
export type PersonChanges = { records: number; newestRecord: number | null; audits: number };

export async function personChanges(db: Conn, email: string): Promise<PersonChanges> {
  const records = prepared(db, "person_page_records", (d) => {
    const { evidence } = d.t;
    return d
      .select({ records: count(), newest: max(evidence.occurredAt) })
      .from(evidence)
      .where(eq(evidence.personEmail, sql.placeholder("email")));
  });
  const credentialAudits = prepared(db, "person_page_credential_audits", (d) => {
    const { auditLog, credentials, recipients } = d.t;
    const theirs = d
      .select({ id: credentials.id })
      .from(credentials)
      .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
      .where(eq(recipients.email, sql.placeholder("email")));
    return d
      .select({ audits: count() })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "credential"), inArray(auditLog.targetId, theirs)));
  });
  const approvalAudits = prepared(db, "person_page_approval_audits", (d) => {
    const { auditLog, pendingApprovals } = d.t;
    const theirs = d
      .select({ id: pendingApprovals.id })
      .from(pendingApprovals)
      .where(eq(pendingApprovals.personEmail, sql.placeholder("email")));
    return d
      .select({ audits: count() })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "approval"), inArray(auditLog.targetId, theirs)));
  });
  const [[r], [c], [a]] = await Promise.all([
    records.execute({ email }) as Promise<{ records: number; newest: Date | null }[]>,
    credentialAudits.execute({ email }) as Promise<{ audits: number }[]>,
    approvalAudits.execute({ email }) as Promise<{ audits: number }[]>,
  ]);
  return {
    records: Number(r?.records ?? 0),
    newestRecord: r?.newest ? new Date(r.newest).getTime() : null,
    audits: Number(c?.audits ?? 0) + Number(a?.audits ?? 0),
  };
}
